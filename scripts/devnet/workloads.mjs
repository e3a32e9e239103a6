#!/usr/bin/env node
/**
 * Writes resources/devnet/workloads.json: the demo market's real inputs, made once here so the app needs neither
 * jimp nor espeak-ng at run time.
 * - OCR: text lines printed with jimp's bitmap font on a white 48-pixel-high image (grey levels, deflated);
 * - VAD: sentences spoken by espeak-ng, resampled to 16 kHz, with silence around them (mu-law, deflated).
 * Run: node scripts/devnet/workloads.mjs   (needs Debian's espeak-ng)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { Jimp, loadFont, measureText } from 'jimp';
import { SANS_32_BLACK } from 'jimp/fonts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'resources', 'devnet', 'workloads.json');

const LINES = ['FLYWHEEL 2026', 'HELLO WORLD 42', 'GPU FOR RENT', 'FORK THE ECONOMY', 'JOB 7 FINALIZED'];
const SENTENCES = [
  'Flywheel pays for compute.',
  'Fork the economy, not just the weights.',
  'Provide your GPU.',
];

async function ocrLine(text) {
  const font = await loadFont(SANS_32_BLACK);
  const width = Math.ceil((measureText(font, text) + 16) / 8) * 8;
  const image = new Jimp({ width, height: 48, color: 0xffffffff });
  image.print({ font, x: 8, y: 6, text });
  const grey = Buffer.alloc(48 * width);
  for (let i = 0; i < grey.length; i++) grey[i] = image.bitmap.data[i * 4];
  return { text, width, height: 48, grey: deflateRawSync(grey, { level: 9 }).toString('base64') };
}

function wavSamples(buf) {
  let offset = 12;
  let rate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(offset + 12);
    if (id === 'data') {
      const n = Math.floor(Math.min(size, buf.length - offset - 8) / 2);
      const s = new Float32Array(n);
      for (let i = 0; i < n; i++) s[i] = buf.readInt16LE(offset + 8 + i * 2) / 32768;
      return { s, rate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV without data');
}

function speech(text, dir) {
  const file = join(dir, 'clip.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-s', '160', '-w', file, text]);
  const { s, rate } = wavSamples(readFileSync(file));
  // Linear resampling to the 16 kHz Silero VAD takes; 0.3 s of silence before, 0.6 s after.
  const n = Math.floor((s.length * 16000) / rate);
  const lead = Math.round(0.3 * 16000);
  const ulaw = Buffer.alloc(n + Math.round(0.9 * 16000), muLaw(0));
  for (let i = 0; i < n; i++) {
    const x = (i * rate) / 16000;
    const j = Math.floor(x);
    const v = (s[j] ?? 0) * (1 - (x - j)) + (s[j + 1] ?? 0) * (x - j);
    ulaw[lead + i] = muLaw(Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  }
  return { text, sampleRate: 16000, ulaw: deflateRawSync(ulaw, { level: 9 }).toString('base64') };
}

/** G.711 mu-law: 8 bits a sample, telephone quality — plenty for speech detection, half the size of PCM16. */
function muLaw(sample) {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const dir = mkdtempSync(join(tmpdir(), 'flywheel-workloads-'));
try {
  const workloads = {
    $comment:
      'Inputs of the devnet demo market, written by scripts/devnet/workloads.mjs (jimp SANS_32_BLACK; espeak-ng -v en -s 160). OCR: grey levels, 8 bits, row-major, raw-deflated, base64. VAD: G.711 mu-law bytes at 16 kHz, raw-deflated, base64.',
    ocr: await Promise.all(LINES.map(ocrLine)),
    vad: SENTENCES.map((t) => speech(t, dir)),
  };
  writeFileSync(out, JSON.stringify(workloads, null, 1) + '\n');
  process.stdout.write(`wrote ${out} (${readFileSync(out).length} bytes)\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
