import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** A rectangle in screen coordinates (DIP), as Electron's `screen` and `getNormalBounds()` give them. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is kept between runs: the window's normal (not maximized) bounds and whether it was maximized. */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Where the window opens: bounds without x/y let Electron centre it. */
export interface RestoredWindow {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export interface WindowSizing {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

const coord = z.number().int().min(-100_000).max(100_000);
const size = z.number().int().min(1).max(100_000);
const stateSchema = z
  .object({
    bounds: z.object({ x: coord, y: coord, width: size, height: size }).strict(),
    maximized: z.boolean(),
  })
  .strict();

export const WINDOW_STATE_FILE = 'window-state.json';

/** How much of the window's title bar must lie on a display for the saved position to be kept. */
const MIN_VISIBLE_TITLE = { width: 120, height: 24 };

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

const area = (r: Rect | null) => (r ? r.width * r.height : 0);
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * Where to open the window, given what was saved and the displays there are now (their work areas, primary
 * first). A monitor that was unplugged, a resolution that shrank or a damaged file must never put the window
 * off screen: the saved position is kept only if the title bar can still be grabbed on some display; the size is
 * clamped to that display and the window moved fully onto it. Otherwise the window opens centred at its default
 * size (clamped to the primary display). Pure, so every case is tested.
 */
export function restoreWindowState(
  saved: unknown,
  workAreas: readonly Rect[],
  sizing: WindowSizing,
): RestoredWindow {
  const primary = workAreas[0];
  const fallback = (maximized: boolean): RestoredWindow => ({
    bounds: {
      width: primary ? clamp(sizing.width, sizing.minWidth, primary.width) : sizing.width,
      height: primary ? clamp(sizing.height, sizing.minHeight, primary.height) : sizing.height,
    },
    maximized,
  });

  const parsed = stateSchema.safeParse(saved);
  if (!parsed.success || !primary) return fallback(false);
  const { bounds, maximized } = parsed.data;

  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: MIN_VISIBLE_TITLE.height };
  let best: Rect | undefined;
  let bestArea = 0;
  for (const wa of workAreas) {
    const title = intersection(titleBar, wa);
    if (!title || title.width < Math.min(MIN_VISIBLE_TITLE.width, bounds.width)) continue;
    if (title.height < MIN_VISIBLE_TITLE.height) continue;
    const a = area(intersection(bounds, wa));
    if (a > bestArea) {
      best = wa;
      bestArea = a;
    }
  }
  if (!best) return fallback(maximized);

  const width = clamp(bounds.width, sizing.minWidth, best.width);
  const height = clamp(bounds.height, sizing.minHeight, best.height);
  return {
    bounds: {
      x: clamp(bounds.x, best.x, best.x + best.width - width),
      y: clamp(bounds.y, best.y, best.y + best.height - height),
      width,
      height,
    },
    maximized,
  };
}

/** Reads the saved state; anything unreadable counts as nothing saved (restoreWindowState validates it). */
export function loadWindowState(dataDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Writes the state atomically (temp file + rename), so a crash mid-write leaves the old file. */
export function saveWindowState(dataDir: string, state: WindowState): void {
  const file = join(dataDir, WINDOW_STATE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(stateSchema.parse(roundState(state))));
  renameSync(tmp, file);
}

function roundState(state: WindowState): WindowState {
  const { x, y, width, height } = state.bounds;
  return {
    bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) },
    maximized: state.maximized,
  };
}

/** The part of a BrowserWindow that window state tracking needs. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/**
 * Saves the window's state when it closes and, debounced, while it is moved or resized (so a crash or a kill
 * keeps the last layout). Returns a function that saves now (for quitting with the window still open).
 */
export function trackWindowState(
  win: TrackedWindow,
  save: (state: WindowState) => void,
  debounceMs = 1000,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed()) return;
    save({ bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(saveNow, debounceMs);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', saveNow);
  win.on('unmaximize', saveNow);
  win.on('close', saveNow);
  return saveNow;
}
