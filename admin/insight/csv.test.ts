import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('writes records with CRLF and numbers as numbers', () => {
    expect(
      toCsv(
        ['Stage', 'Count'],
        [
          ['Views', 12],
          ['Starts', 0],
        ],
      ),
    ).toBe('Stage,Count\r\nViews,12\r\nStarts,0\r\n');
  });

  it('quotes a field with a comma, a quote or a line break, and doubles its quotes', () => {
    expect(toCsv(['Campaign'], [['spring, "big" sale'], ['two\nlines'], ['cr\rhere'], ['plain']])).toBe(
      'Campaign\r\n"spring, ""big"" sale"\r\n"two\nlines"\r\n"cr\rhere"\r\nplain\r\n',
    );
  });

  it('leaves an empty cell for null', () => {
    expect(toCsv(['a', 'b', 'c'], [['x', null, 3]])).toBe('a,b,c\r\nx,,3\r\n');
  });

  it('keeps text a spreadsheet would run as a formula from running, but not a negative number', () => {
    expect(
      toCsv(
        ['Campaign', 'n'],
        [
          ['=HYPERLINK("http://x")', -1],
          ['+1', 2],
          ['@sum', 3],
          ['-x', 4],
        ],
      ),
    ).toBe('Campaign,n\r\n"\'=HYPERLINK(""http://x"")",-1\r\n\'+1,2\r\n\'@sum,3\r\n\'-x,4\r\n');
  });
});
