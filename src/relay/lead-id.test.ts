import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './lead-id.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose first 48 bits are the time', () => {
    const at = Date.UTC(2026, 11, 2, 5, 40, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts as the times it was made at, and differs within one millisecond', () => {
    const ids = [0, 1, 255, 256, 1_000_000, Date.UTC(2030, 0, 1), Date.UTC(2100, 0, 1)].map((at) => timeOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedId(42)));
    expect(same.size).toBe(1000);
  });
});
