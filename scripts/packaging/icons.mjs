#!/usr/bin/env node
// Renders the app icon (build/icon.png, which electron-builder turns into .icns/.ico) and the tray icons
// (resources/tray/*.png, one per provider state: the logo with a coloured status dot) from resources/icon.svg.
// The PNGs are committed; run this again after changing the logo. Needs `rsvg-convert` (Debian: librsvg2-bin).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const logo = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8');

/** Tray icon variants: the dot colour says the state at a glance (stopped and "not running yet" share grey). */
const TRAY_VARIANTS = {
  providing: '#22c55e',
  held: '#f59e0b',
  error: '#ef4444',
  idle: '#9ca3af',
};

function render(svg, size, out) {
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync('rsvg-convert', ['-w', String(size), '-h', String(size), '-o', out], { input: svg });
  if (r.error || r.status !== 0) {
    throw new Error(`rsvg-convert failed for ${out}: ${r.error?.message ?? r.stderr.toString()}`);
  }
}

function withDot(color) {
  const dot = `<circle cx="50" cy="50" r="13" fill="${color}" stroke="#0f1115" stroke-width="4"/>`;
  return logo.replace('</svg>', `${dot}</svg>`);
}

render(logo, 1024, join(root, 'build', 'icon.png'));
for (const [name, color] of Object.entries(TRAY_VARIANTS)) {
  render(withDot(color), 16, join(root, 'resources', 'tray', `tray-${name}.png`));
  render(withDot(color), 32, join(root, 'resources', 'tray', `tray-${name}@2x.png`));
}
process.stdout.write('icons written to build/ and resources/tray/\n');
