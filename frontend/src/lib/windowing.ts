// The arithmetic of a windowed list: lines of known heights, of which only
// those near the visible part are drawn.

/** offsetsOf gives each line's top and, last, the total height: n+1 numbers. */
export function offsetsOf(heights: readonly number[]): number[] {
  const out = new Array<number>(heights.length + 1);
  out[0] = 0;
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i] + heights[i];
  return out;
}

/** The first line whose bottom is below y (lines.length when none). */
function lineAt(offsets: readonly number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 1; // number of lines
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface Range {
  /** First line drawn. */
  start: number;
  /** One past the last line drawn. */
  end: number;
}

/**
 * visibleRange is the lines that meet [top, top+height) widened by `extra`
 * pixels on both sides, so a scroll shows drawn lines before the next frame.
 * top is the scroll position relative to the list's own top (negative when
 * the list starts below the visible part).
 */
export function visibleRange(offsets: readonly number[], top: number, height: number, extra = 0): Range {
  const n = offsets.length - 1;
  if (n <= 0 || height <= 0) return { start: 0, end: 0 };
  const from = Math.max(0, top - extra);
  const to = top + height + extra;
  if (to <= 0 || from >= offsets[n]) return { start: 0, end: 0 };
  const start = lineAt(offsets, from);
  let end = lineAt(offsets, to);
  if (end < n && offsets[end] < to) end++;
  return { start, end: Math.max(start, Math.min(n, end)) };
}

/**
 * scrollToShow is the scroll position that brings line i fully into view,
 * moving as little as possible; null when it is in view already. top and
 * height are as in visibleRange; listTop is where the list starts in the
 * scrolled content, added back to give the scroller's scrollTop. margin
 * keeps room for a sticky header above the list.
 */
export function scrollToShow(
  offsets: readonly number[],
  i: number,
  top: number,
  height: number,
  listTop: number,
  margin = 0,
): number | null {
  if (i < 0 || i >= offsets.length - 1) return null;
  const lineTop = offsets[i];
  const lineBottom = offsets[i + 1];
  if (lineTop < top + margin) return listTop + lineTop - margin;
  if (lineBottom > top + height) return listTop + lineBottom - height;
  return null;
}

/** pageSize is how many lines of a typical height fit in the visible part (at least 1). */
export function pageSize(height: number, lineHeight: number): number {
  return Math.max(1, Math.floor(height / Math.max(1, lineHeight)) - 1);
}
