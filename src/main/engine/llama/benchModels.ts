/**
 * The benchmark's language models as files: the project's random-weight llamas (randomModel.ts), written once into
 * a folder with their keccak256 beside them, and reused while the file matches its recorded size and sha256 of the
 * name. Making one is seconds of JavaScript for the 175 MB model, so the node has a child process make it
 * (modelMaker.ts) and reads none of it itself: the llama.cpp worker hashes the file when it loads it.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Hash } from '#shared/api/define';
import type { Keccak256 } from '../hash';
import { forkWorker, workerEntryBeside } from '../worker/host';
import { benchLlama, cachedLlamaGguf, cachedModelPath, tinyLlama, type LlamaModelSpec } from './randomModel';

export type BenchModelName = 'tiny' | 'bench';

export const BENCH_MODELS: Record<BenchModelName, LlamaModelSpec> = { tiny: tinyLlama, bench: benchLlama };

export interface ModelFile {
  path: string;
  /** keccak256 of the file: the job's model hash. */
  hash: Hash;
  bytes: number;
}

/** Writes the model (if its file is not there already) and its keccak256 sidecar; returns the file. */
export function writeModelFile(name: BenchModelName, dir: string, keccak256: Keccak256): ModelFile {
  const { path, bytes } = cachedLlamaGguf(BENCH_MODELS[name], dir);
  const hash = keccak256(bytes);
  writeFileSync(`${path}.keccak256`, `${hash} ${bytes.byteLength}\n`);
  return { path, hash, bytes: bytes.byteLength };
}

/** The file already made in `dir`, when its sidecar says so and its size agrees; null otherwise. */
export function madeModelFile(name: BenchModelName, dir: string): ModelFile | null {
  const path = cachedModelPath(BENCH_MODELS[name], dir);
  try {
    if (!existsSync(`${path}.keccak256`)) return null;
    const [hash, size] = readFileSync(`${path}.keccak256`, 'utf8').trim().split(' ');
    const bytes = Number(size);
    if (!/^0x[0-9a-f]{64}$/.test(hash ?? '') || statSync(path).size !== bytes) return null;
    return { path, hash: hash as Hash, bytes };
  } catch {
    return null;
  }
}

/**
 * The model's file in `dir`: the one made before, or made now by a child process. A file changed since (another
 * size) is made again; one changed in place is caught by the worker's hash check (MODEL_HASH_MISMATCH) when it loads.
 */
export async function benchModelFile(name: BenchModelName, dir: string): Promise<ModelFile> {
  const made = madeModelFile(name, dir);
  if (made) return made;
  const child = forkWorker(workerEntryBeside(import.meta.url, 'modelMaker.ts', 'llamaModelMaker.js'), {
    env: { ...process.env, FLYWHEEL_MODEL_MAKER: JSON.stringify({ spec: name, dir }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise<ModelFile>((resolve, reject) => {
    let answered = false;
    child.on('message', (m: ({ ok: true } & ModelFile) | { ok: false; error: string }) => {
      answered = true;
      if (m.ok) resolve({ path: m.path, hash: m.hash, bytes: m.bytes });
      else reject(new Error(`could not make the ${name} model: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      if (!answered)
        reject(new Error(`the model maker stopped (${signal ?? `exit code ${code}`}) before it answered`));
    });
    child.on('error', reject);
  });
}
