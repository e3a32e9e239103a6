import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (following no symlinks), for scans of what the node left on disk. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * The files under `dir` that hold a private key in any plain form: hex (either case, with or without 0x), base64
 * or the raw bytes. An empty list means the key is nowhere on disk in plain text.
 */
export function filesHoldingKey(dir: string, privateKey: `0x${string}`): string[] {
  const hex = privateKey.slice(2).toLowerCase();
  const raw = Buffer.from(hex, 'hex');
  const needles = [hex, hex.toUpperCase(), raw.toString('base64'), raw.toString('base64url')];
  return filesUnder(dir).filter((file) => {
    if (statSync(file).size === 0) return false;
    const bytes = readFileSync(file);
    if (bytes.includes(raw)) return true;
    const text = bytes.toString('latin1');
    return needles.some((n) => text.includes(n)) || text.toLowerCase().includes(hex);
  });
}
