import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { md5Hex } from './md5.ts';

it('matches RFC 1321 test vectors and node:crypto on any string', () => {
  expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  expect(md5Hex('The quick brown fox jumps over the lazy dog')).toBe('9e107d9d372bb6826bd81d3542a419d6');
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => md5Hex(text) === createHash('md5').update(text, 'utf8').digest('hex')));
});
