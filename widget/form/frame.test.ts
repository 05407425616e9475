import { describe, expect, it } from 'vitest';
import { pageOf } from './frame.ts';

describe('pageOf (the parent page URL a framed lead records)', () => {
  const parent = 'https://www.example.com';

  it('takes an http(s) URL of the parent’s own origin, cut to the relay’s 2048 characters', () => {
    expect(pageOf('https://www.example.com/pricing?utm_source=x#top', parent)).toBe('https://www.example.com/pricing?utm_source=x#top');
    expect(pageOf(`https://www.example.com/${'a'.repeat(3000)}`, parent)).toHaveLength(2048);
    expect(pageOf('http://localhost:8787/demo/iframe.html', 'http://localhost:8787')).toBe('http://localhost:8787/demo/iframe.html');
  });

  it('refuses a URL of another origin, another scheme, or no URL at all', () => {
    expect(pageOf('https://evil.example/phish', parent)).toBeUndefined();
    expect(pageOf('javascript:alert(1)', parent)).toBeUndefined();
    expect(pageOf('/relative', parent)).toBeUndefined();
    expect(pageOf(42, parent)).toBeUndefined();
    expect(pageOf(undefined, parent)).toBeUndefined();
  });
});
