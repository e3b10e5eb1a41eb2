import { describe, expect, it } from 'vitest';
import { offsetsOf, pageSize, scrollToShow, visibleRange } from './windowing';

describe('windowing', () => {
  const offsets = offsetsOf([70, 62, 62, 84, 62]); // tops 0, 70, 132, 194, 278; total 340

  it('adds up the tops and the total height', () => {
    expect(offsets).toEqual([0, 70, 132, 194, 278, 340]);
    expect(offsetsOf([])).toEqual([0]);
  });

  it.each([
    ['the top of the list', 0, 100, 0, { start: 0, end: 2 }],
    ['a line that only just shows counts', 69, 2, 0, { start: 0, end: 2 }],
    ['a line that ends exactly at the top does not', 70, 62, 0, { start: 1, end: 2 }],
    ['the bottom', 300, 100, 0, { start: 4, end: 5 }],
    ['widened by extra pixels', 132, 10, 70, { start: 0, end: 4 }],
    ['widened, further down', 200, 10, 20, { start: 2, end: 4 }],
    ['the list starts below the visible part', -50, 100, 0, { start: 0, end: 1 }],
    ['the list is entirely below', -200, 100, 0, { start: 0, end: 0 }],
    ['the list is entirely above', 400, 100, 0, { start: 0, end: 0 }],
    ['nothing visible', 0, 0, 0, { start: 0, end: 0 }],
  ])('draws %s', (_name, top, height, extra, want) => {
    expect(visibleRange(offsets, top, height, extra)).toEqual(want);
  });

  it('draws only a screenful at 1,000 accounts, wherever it is scrolled', () => {
    const big = offsetsOf(Array.from({ length: 1000 }, () => 62));
    for (const top of [0, 12_345, 61_000]) {
      const r = visibleRange(big, top, 900, 600);
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil((900 + 2 * 600) / 62) + 1);
      expect(big[r.start]).toBeLessThanOrEqual(Math.max(0, top - 600));
      expect(big[r.end]).toBeGreaterThanOrEqual(Math.min(big[1000], top + 900 + 600));
    }
  });

  it.each([
    ['in view: no scroll', 1, 0, 300, 0, 0, null],
    ['below: its bottom at the bottom', 4, 0, 200, 0, 0, 140],
    ['above: its top at the top', 1, 150, 200, 0, 0, 70],
    ['the list starts 500 px down the page', 4, 0, 200, 500, 0, 640],
    ['room for a sticky header', 1, 150, 200, 0, 36, 34],
    ['out of range', 9, 0, 200, 0, 0, null],
  ])('scrolls %s', (_name, i, top, height, listTop, margin, want) => {
    expect(scrollToShow(offsets, i, top, height, listTop, margin)).toBe(want);
  });

  it('pages by what fits, at least one line', () => {
    expect(pageSize(620, 62)).toBe(9);
    expect(pageSize(10, 62)).toBe(1);
  });
});
