import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  trackWindowState,
  WINDOW_STATE_FILE,
  type Rect,
} from '../../../src/main/shell/windowState';
import { tempDir } from '../../helpers/tmp';

const sizing = { width: 1280, height: 820, minWidth: 960, minHeight: 640 };
const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };
const saved = (bounds: Rect, maximized = false) => ({ bounds, maximized });

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('window state restore', () => {
  it('reopens where it was on a display that is still there', () => {
    const s = saved({ x: 2100, y: 100, width: 1400, height: 900 }, true);
    expect(restoreWindowState(s, [laptop, rightMonitor], sizing)).toEqual({
      bounds: { x: 2100, y: 100, width: 1400, height: 900 },
      maximized: true,
    });
  });

  it('opens centred on the primary display when its monitor was unplugged', () => {
    const s = saved({ x: 2100, y: 100, width: 1400, height: 900 }, true);
    expect(restoreWindowState(s, [laptop], sizing)).toEqual({
      bounds: { width: 1280, height: 820 },
      maximized: true,
    });
  });

  it('keeps a window whose title bar can still be grabbed, moved fully onto that display', () => {
    // Hanging off the right edge by 900 px, title bar visible.
    const s = saved({ x: 1500, y: 200, width: 1300, height: 800 });
    expect(restoreWindowState(s, [laptop], sizing).bounds).toEqual({
      x: 620,
      y: 200,
      width: 1300,
      height: 800,
    });
  });

  it('drops a position whose title bar is off screen (above the top, or only a sliver showing)', () => {
    expect(
      restoreWindowState(saved({ x: 100, y: -700, width: 1300, height: 800 }), [laptop], sizing).bounds,
    ).toEqual({ width: 1280, height: 820 });
    expect(
      restoreWindowState(saved({ x: 1850, y: 100, width: 1300, height: 800 }), [laptop], sizing).bounds,
    ).toEqual({ width: 1280, height: 820 });
  });

  it('shrinks a window saved on a bigger screen, but not under its minimum size', () => {
    const small: Rect = { x: 0, y: 0, width: 1366, height: 728 };
    expect(
      restoreWindowState(saved({ x: 10, y: 10, width: 2400, height: 1300 }), [small], sizing).bounds,
    ).toEqual({
      x: 0,
      y: 0,
      width: 1366,
      height: 728,
    });
    expect(
      restoreWindowState(saved({ x: 10, y: 10, width: 300, height: 200 }), [small], sizing).bounds,
    ).toEqual({
      x: 10,
      y: 10,
      width: 960,
      height: 640,
    });
  });

  it('honours displays with negative coordinates (a monitor left of the primary)', () => {
    const left: Rect = { x: -1920, y: 0, width: 1920, height: 1080 };
    const s = saved({ x: -1800, y: 50, width: 1200, height: 800 });
    expect(restoreWindowState(s, [laptop, left], sizing).bounds).toEqual({
      x: -1800,
      y: 50,
      width: 1200,
      height: 800,
    });
  });

  it.each([
    ['nothing saved', null],
    ['garbage', 'not a state'],
    ['a missing field', { bounds: { x: 1, y: 2, width: 1000 }, maximized: false }],
    ['absurd numbers', saved({ x: 1e12, y: 0, width: 1000, height: 700 })],
    ['fractions', saved({ x: 0.5, y: 0, width: 1000, height: 700 })],
    ['extra keys', { ...saved({ x: 0, y: 0, width: 1000, height: 700 }), fullscreen: true }],
  ])('falls back to the default for %s', (_name, value) => {
    expect(restoreWindowState(value, [laptop], sizing)).toEqual({
      bounds: { width: 1280, height: 820 },
      maximized: false,
    });
  });

  it('fits the default size to a small primary display', () => {
    const tiny: Rect = { x: 0, y: 0, width: 1024, height: 700 };
    expect(restoreWindowState(null, [tiny], sizing).bounds).toEqual({ width: 1024, height: 700 });
  });
});

describe('window state file', () => {
  it('round-trips through the data folder and ignores a damaged file', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    expect(loadWindowState(t.dir)).toBeNull();
    saveWindowState(t.dir, saved({ x: 10.4, y: 20.6, width: 1000, height: 700 }, true));
    expect(loadWindowState(t.dir)).toEqual(saved({ x: 10, y: 21, width: 1000, height: 700 }, true));
    writeFileSync(join(t.dir, WINDOW_STATE_FILE), '{"bounds":');
    expect(loadWindowState(t.dir)).toBeNull();
  });

  it('saves on close and, debounced, while the window moves', () => {
    vi.useFakeTimers();
    const t = tempDir();
    cleanup = t.cleanup;
    const win = Object.assign(new EventEmitter(), {
      bounds: { x: 0, y: 0, width: 1000, height: 700 },
      maximized: false,
      getNormalBounds() {
        return this.bounds;
      },
      isMaximized() {
        return this.maximized;
      },
      isDestroyed: () => false,
    });
    trackWindowState(win, (s) => saveWindowState(t.dir, s), 500);
    const read = () => JSON.parse(readFileSync(join(t.dir, WINDOW_STATE_FILE), 'utf8'));

    win.bounds = { x: 50, y: 60, width: 1100, height: 750 };
    win.emit('move');
    win.emit('resize');
    expect(loadWindowState(t.dir)).toBeNull();
    vi.advanceTimersByTime(500);
    expect(read().bounds).toEqual({ x: 50, y: 60, width: 1100, height: 750 });

    win.maximized = true;
    win.emit('maximize');
    expect(read().maximized).toBe(true);
    win.emit('close');
    expect(read()).toEqual(saved({ x: 50, y: 60, width: 1100, height: 750 }, true));
    vi.useRealTimers();
  });
});
