import { describe, expect, it } from 'vitest';
import { demoWorkloads } from '../../../src/main/devnet/market/workloads';
import { textRegions } from '../../../src/main/engine/preview/textRegions';
import { cpuEngine, reference } from './helpers';

describe('text regions from a detector’s probability map', () => {
  it('finds each region above the threshold, drops weak ones, grows the kept ones back (unclip)', () => {
    const width = 20;
    const height = 10;
    const map = new Float32Array(width * height);
    const fill = (x0: number, y0: number, w: number, h: number, p: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) map[y * width + x] = p;
    };
    fill(2, 3, 6, 2, 0.9); // a strong region
    fill(12, 3, 4, 2, 0.4); // above the pixel threshold, under the box threshold: dropped
    map[9 * width + 19] = 0.95; // one pixel: noise
    const r = textRegions(map, height, width);
    // 6 × 2 region: unclip distance = 12 · 1.5 / (2 · 8) ≈ 1.
    expect(r.boxes).toEqual([{ x: 1, y: 2, width: 8, height: 4, score: 0.9 }]);
    expect(r.grid).toMatchObject({ cols: 20, rows: 10 });
    const cells = Buffer.from(r.grid.cells, 'base64');
    expect(cells[3 * 20 + 2]).toBe(Math.round(Math.fround(0.9) * 255));
  });

  it('shrinks a wide map by max-pooling, so a thin line survives', () => {
    const width = 400;
    const height = 8;
    const map = new Float32Array(width * height);
    for (let x = 0; x < width; x++) map[3 * width + x] = 1; // one pixel high
    const r = textRegions(map, height, width, { maxCols: 100 });
    expect(r.grid).toMatchObject({ cols: 100, rows: 2 });
    const cells = Buffer.from(r.grid.cells, 'base64');
    expect([...cells.subarray(0, 100)].every((v) => v === 255)).toBe(true);
    expect([...cells.subarray(100)].every((v) => v === 0)).toBe(true);
  });

  it('refuses a map whose size does not match', () => {
    expect(() => textRegions(new Float32Array(10), 3, 4)).toThrow('a 3×4 map needs 12 values');
  });
});

describe('PP-OCRv4 detection through the engine', () => {
  it('boxes the rendered text line of a devnet workload', async () => {
    const engine = cpuEngine();
    try {
      const det = reference('ocr-det');
      const workload = demoWorkloads().find((w) => w.id === 'ocr-det:GPU FOR RENT')!;
      const result = await engine.runJob({
        kind: 'inference',
        modelHash: det.hash,
        model: det.bytes,
        input: workload.input(),
      });
      expect(result.preview.kind).toBe('text-regions');
      if (result.preview.kind !== 'text-regions') return;
      // The line is 264 × 48 on a 288 × 64 canvas padded with white: one region, across most of the text.
      expect({ width: result.preview.width, height: result.preview.height }).toEqual({
        width: 288,
        height: 64,
      });
      expect(result.preview.boxes.length).toBeGreaterThanOrEqual(1);
      const widest = [...result.preview.boxes].sort((a, b) => b.width - a.width)[0]!;
      expect(widest.width).toBeGreaterThan(150);
      expect(widest.x + widest.width).toBeLessThanOrEqual(272);
      expect(widest.y + widest.height).toBeLessThanOrEqual(52);
    } finally {
      await engine.close();
    }
  });
});
