import { Jimp, loadFont, measureText } from 'jimp';
import { SANS_32_BLACK } from 'jimp/fonts';
import { createEngine, cpuDevice, type Engine, type EngineLimits } from '../../../src/main/engine/engine';
import { createKeccak256 } from '../../../src/main/engine/hash';
import { readReferenceModel, referenceById } from '../../../src/main/engine/references';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import type { WorkerHostFactory } from '../../../src/main/engine/worker/host';
import { LogSink } from '../../../src/main/log';

export const quietLog = new LogSink({ consoleLevel: 'silent' }).logger('engine');
export const keccak256 = await createKeccak256();

/** An engine on this machine's CPU, as the node builds it. */
export function cpuEngine(limits: Partial<EngineLimits> = {}, host?: WorkerHostFactory): Engine {
  return createEngine({ devices: [cpuDevice()], limits, log: quietLog, ...(host ? { host } : {}) });
}

/** A reference model's bytes and hash, read from its npm package. */
export function reference(id: string): { bytes: Uint8Array; hash: `0x${string}` } {
  const model = referenceById(id);
  return { bytes: readReferenceModel(model, keccak256), hash: model.keccak256 };
}

/**
 * A line of text rendered with jimp's bitmap font on a white 48-pixel-high image, as PP-OCR recognition takes it:
 * CHW float32 scaled to [−1, 1], width padded to a multiple of 8.
 */
export async function renderTextLine(text: string): Promise<Uint8Array> {
  const font = await loadFont(SANS_32_BLACK);
  const width = Math.ceil((measureText(font, text) + 16) / 8) * 8;
  const image = new Jimp({ width, height: 48, color: 0xffffffff });
  image.print({ font, x: 8, y: 6, text });
  const { data } = image.bitmap;
  const chw = new Float32Array(3 * 48 * width);
  for (let i = 0; i < 48 * width; i++) {
    for (let c = 0; c < 3; c++) chw[c * 48 * width + i] = (data[i * 4 + c]! / 255 - 0.5) / 0.5;
  }
  return writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, width], chw)]);
}
