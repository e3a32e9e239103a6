/**
 * A text detector's output (PP-OCR det, a DB-style probability map `[1, 1, H, W]`) as people look at it: the map
 * itself, shrunk to a small grid, and the boxes of the text regions in it — the pixels at or above `threshold`,
 * grouped 4-connected, kept when their mean probability reaches `boxThreshold`, and grown back by DB's unclip
 * distance (the network predicts a shrunk kernel of each text region). PaddleOCR's defaults: 0.3, 0.6, ratio 1.5.
 */
import type { OutputPreview } from '#shared/api/jobs';

export interface TextRegionOptions {
  threshold?: number;
  boxThreshold?: number;
  unclipRatio?: number;
  /** Widest preview grid, in cells; the map is max-pooled down to it. */
  maxCols?: number;
  /** At most this many boxes (the largest kept). */
  maxBoxes?: number;
}

/** The preview as the API carries it, less its kind. */
export type TextRegions = Omit<Extract<OutputPreview, { kind: 'text-regions' }>, 'kind'>;
export type TextBox = TextRegions['boxes'][number];

export function textRegions(
  map: ArrayLike<number>,
  height: number,
  width: number,
  options: TextRegionOptions = {},
): TextRegions {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclip = options.unclipRatio ?? 1.5;
  if (map.length !== width * height)
    throw new Error(`a ${height}×${width} map needs ${width * height} values`);

  const seen = new Uint8Array(map.length);
  const stack: number[] = [];
  const found: TextBox[] = [];
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || !(map[start]! >= threshold)) continue;
    seen[start] = 1;
    stack.push(start);
    let [minX, minY, maxX, maxY, area, sum] = [width, height, -1, -1, 0, 0];
    const visit = (j: number) => {
      if (!seen[j] && map[j]! >= threshold) {
        seen[j] = 1;
        stack.push(j);
      }
    };
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      area++;
      sum += map[i]!;
      // The four neighbours, without an array per pixel (a detector's map can hold a million of them).
      if (x > 0) visit(i - 1);
      if (x < width - 1) visit(i + 1);
      if (y > 0) visit(i - width);
      if (y < height - 1) visit(i + width);
    }
    const score = sum / area;
    if (area < 3 || score < boxThreshold) continue;
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    const d = Math.round((w * h * unclip) / (2 * (w + h)));
    const x0 = Math.max(0, minX - d);
    const y0 = Math.max(0, minY - d);
    found.push({
      x: x0,
      y: y0,
      width: Math.min(width, maxX + 1 + d) - x0,
      height: Math.min(height, maxY + 1 + d) - y0,
      score: Math.round(score * 1000) / 1000,
    });
  }
  const boxes = found
    .sort((a, b) => b.width * b.height - a.width * a.height)
    .slice(0, options.maxBoxes ?? 50)
    .sort((a, b) => a.y - b.y || a.x - b.x);

  // The map shrunk by max-pooling, so thin strokes survive.
  const step = Math.max(1, Math.ceil(width / (options.maxCols ?? 192)));
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const cells = new Uint8Array(cols * rows);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = Math.floor(y / step) * cols + Math.floor(x / step);
      const v = Math.round(Math.min(1, Math.max(0, map[y * width + x]!)) * 255);
      if (v > cells[c]!) cells[c] = v;
    }
  }
  return {
    width,
    height,
    threshold,
    grid: { cols, rows, cells: Buffer.from(cells).toString('base64') },
    boxes,
  };
}
