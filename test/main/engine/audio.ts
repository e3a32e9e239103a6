import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Mono PCM16 samples of a WAV file as floats in [−1, 1), with its sample rate. */
export function readWav(path: string): { samples: Float32Array; sampleRate: number } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (
        buf.readUInt16LE(body) !== 1 ||
        buf.readUInt16LE(body + 2) !== 1 ||
        buf.readUInt16LE(body + 14) !== 16
      ) {
        throw new Error('only mono PCM16 WAV');
      }
      sampleRate = buf.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + i * 2) / 32768;
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV without data');
}

/** Linear-interpolation resampling (enough for speech detection; espeak writes 22.05 kHz, Silero takes 16 kHz). */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(Math.floor((samples.length * to) / from));
  for (let i = 0; i < out.length; i++) {
    const x = (i * from) / to;
    const j = Math.floor(x);
    const f = x - j;
    out[i] = (samples[j] ?? 0) * (1 - f) + (samples[j + 1] ?? 0) * f;
  }
  return out;
}

export const speechWav = join(import.meta.dirname, '../../fixtures/speech.wav');

/** The committed espeak-ng sentence at 16 kHz, followed by `silenceS` of silence. */
export function speechThenSilence(silenceS: number): { audio: Float32Array; speechS: number } {
  const { samples, sampleRate } = readWav(speechWav);
  const speech = resample(samples, sampleRate, 16000);
  const audio = new Float32Array(speech.length + Math.round(silenceS * 16000));
  audio.set(speech);
  return { audio, speechS: speech.length / 16000 };
}

export function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
}
