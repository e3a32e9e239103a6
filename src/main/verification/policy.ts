/**
 * A model's verification policy applied to a submitted output against a re-run of the same job (the reference).
 * The chain only records the policy (ModelView.policy) and lets validators vote; this is where "right" is decided,
 * by every validator alike, so the figures it compares go into the challenge's evidence for anyone to read.
 *
 * Rules (EconomyTypes.sol's VerificationPolicy):
 * - `exact` (0): the output's keccak-256 must equal the re-run's.
 * - `tolerance` (1): the same tensors (names, dtypes, shapes), and every element within `maxAbsErrorE9`·1e-9 of the
 *   re-run's value, or within `maxRelErrorE9`·1e-9 of it relative to the re-run's magnitude — GPUs, thread counts
 *   and kernels move the last bits of a float without the result being wrong.
 * - `argmax` (2): the same tensors, and the index of the largest value along the last axis (a class, a CTC symbol)
 *   agrees with the re-run's on at least `minAgreementBps`/10,000 of the rows of every tensor.
 * - `logprob` (3): language models: each claimed token's logprob within `maxAbsErrorE9`·1e-9 of the re-scored one;
 *   against a validator's re-scoring (engine.rescore), also each token within its top-k and, for greedy jobs, the
 *   argmax up to near-ties (logprob.ts).
 *
 * A submitted output that is not even a readable safetensors file fails (a provider answering garbage is wrong);
 * a reference that cannot be read, or a policy the contract would refuse, throws a VerificationError: this
 * validator cannot judge, and must not challenge or vote on it.
 */
import { keccak256, toBytes } from 'viem';
import type { Hash } from '#shared/api/define';
import type { VerificationPolicy, VerificationRule } from '#shared/api/jobs';
import { verificationRules } from '#shared/policy';
import {
  readSafetensors,
  SafetensorsError,
  type NamedTensor,
  type SafetensorsFile,
} from '../engine/safetensors';
import { readRescoring, readTextGenerationOutput } from '../engine/llama/format';
import { compareRescored } from './logprob';
import { summarize } from './words';

export type { VerificationPolicy, VerificationRule };

/** The policy's thresholds as plain numbers (1e-4, not 100,000 E9 units). */
export function thresholds(policy: VerificationPolicy): {
  maxAbsError: number;
  maxRelError: number;
  minAgreement: number;
} {
  return {
    maxAbsError: policy.maxAbsErrorE9 / 1e9,
    maxRelError: policy.maxRelErrorE9 / 1e9,
    minAgreement: policy.minAgreementBps / 10_000,
  };
}

/** The policy cannot be applied, or the reference cannot be read: nobody can be judged by it. */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

/** Checks a policy as EconomyModule._checkPolicy does (and that the bounds fit their uint types); returns it. */
export function checkPolicy(policy: VerificationPolicy): VerificationPolicy {
  const { rule, maxAbsErrorE9: abs, maxRelErrorE9: rel, minAgreementBps: bps } = policy;
  if (!verificationRules.includes(rule))
    throw new VerificationError(`unknown verification rule ${String(rule)}`);
  const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
  if (!u32(abs) || !u32(rel) || !Number.isInteger(bps) || bps < 0 || bps > 0xffff) {
    throw new VerificationError('the policy’s bounds are not whole numbers of their units');
  }
  if (rule === 'tolerance' && abs === 0 && rel === 0) {
    throw new VerificationError('a tolerance policy needs an absolute or a relative bound');
  }
  if (rule === 'argmax' && (bps === 0 || bps > 10_000)) {
    throw new VerificationError('an argmax policy needs an agreement between 0.01 % and 100 %');
  }
  if (rule === 'logprob' && abs === 0) throw new VerificationError('a logprob policy needs a bound');
  return policy;
}

/** What was compared, in figures. Null: not compared under this rule (or the outputs could not be compared). */
export interface Figures {
  /** Elements (tolerance, exact), rows (argmax) or tokens (logprob) compared. */
  compared: number;
  /** How many of them broke the policy. */
  failed: number;
  /** Largest |submitted − reference| over every element (or token logprob). */
  maxAbsError: number | null;
  /** Largest |submitted − reference| / |reference|; Infinity where the reference is 0 and the result is not. */
  maxRelError: number | null;
  /** Share of rows whose argmax agrees, in the tensor that agrees least (argmax). */
  agreement: number | null;
  /** The tensor the agreement figure is from (argmax). */
  agreementTensor: string | null;
}

/** The first place (in tensor-name order, then element or row order) the submitted output broke the policy. */
export interface FailurePoint {
  /** The tensor; null for a whole-file problem or a token list. */
  tensor: string | null;
  /** Element (tolerance, exact), row (argmax) or token (logprob) index; null for a structural failure. */
  index: number | null;
  /** The index as coordinates in the tensor's shape (the row's, without the last axis, for argmax). */
  at: number[] | null;
  /** The two values there: numbers, argmax indices, or tokens. */
  submitted: number | string | null;
  reference: number | string | null;
  /** In words: what is wrong there. */
  reason: string;
}

export interface Verdict {
  pass: boolean;
  policy: VerificationPolicy;
  submittedHash: Hash;
  referenceHash: Hash;
  figures: Figures;
  firstFailure: FailurePoint | null;
  /** One line a person can check against the policy, e.g. "agreement 41.2 % < 99 %". */
  summary: string;
}

/** An output as compared: its bytes and, when known already, their keccak-256 (computed here otherwise). */
export interface OutputBytes {
  bytes: Uint8Array;
  hash?: Hash;
  /**
   * The tokens the result claims on-chain (a job priced per token, which pays for them): a `logprob` claim of more
   * tokens than the output holds is a wrong result.
   */
  tokens?: number;
}

/**
 * Applies `policy` to a submitted output file against the reference (re-run) output file, both safetensors.
 *
 * @example
 * const verdict = compareOutputs(policy, { bytes: submitted }, { bytes: rerun });
 * if (!verdict.pass) challenge(…, evidence(verdict));
 */
export function compareOutputs(
  policy: VerificationPolicy,
  submitted: OutputBytes,
  reference: OutputBytes,
): Verdict {
  checkPolicy(policy);
  const submittedHash = (submitted.hash ?? keccak256(submitted.bytes)).toLowerCase() as Hash;
  const referenceHash = (reference.hash ?? keccak256(reference.bytes)).toLowerCase() as Hash;
  let ref: SafetensorsFile;
  try {
    ref = readSafetensors(reference.bytes);
  } catch (err) {
    throw new VerificationError(`the re-run’s output is not a readable safetensors file: ${message(err)}`);
  }
  const verdict = (figures: Figures, firstFailure: FailurePoint | null, pass = firstFailure === null) =>
    finish({ pass, policy, submittedHash, referenceHash, figures, firstFailure });

  let sub: SafetensorsFile;
  try {
    sub = readSafetensors(submitted.bytes);
  } catch (err) {
    return verdict(noFigures(), {
      ...whole(),
      reason: `the submitted output is not a readable safetensors file: ${message(err)}`,
    });
  }

  if (policy.rule === 'logprob') {
    // A validator's re-scoring of a text-generation output (engine.rescore): ranks and the argmax too (logprob.ts).
    if (ref.tensors.some((t) => t.name === 'ranks')) {
      let rescoring;
      try {
        rescoring = readRescoring(reference.bytes);
      } catch (err) {
        throw new VerificationError(message(err));
      }
      let claim;
      try {
        claim = readTextGenerationOutput(submitted.bytes);
      } catch (err) {
        return verdict(noFigures(), { ...whole(), reason: message(err) });
      }
      return compareRescored(
        policy,
        { ...claim, ...(submitted.tokens === undefined ? {} : { claimedTokens: submitted.tokens }) },
        rescoring,
        { submittedHash, referenceHash },
      );
    }
    const claimed = tokenLogprobs(sub, 'submitted');
    if (typeof claimed === 'string') return verdict(noFigures(), { ...whole(), reason: claimed });
    const rescored = tokenLogprobs(ref, 'reference');
    if (typeof rescored === 'string') throw new VerificationError(rescored);
    return compareLogprobs(policy, claimed, rescored, { submittedHash, referenceHash });
  }

  const structure = compareStructure(sub, ref);
  if (policy.rule === 'exact') {
    // The hash decides; the element-wise figures only say where the outputs part, for the evidence.
    const equal = submittedHash === referenceHash;
    if (structure) return verdict(noFigures(), structure, false);
    const { first: _, ...figures } = elementFigures(sub, ref, null);
    if (equal) return verdict(figures, null, true);
    const first = firstDifference(sub, ref) ?? {
      ...whole(),
      reason: 'the bytes differ (header or metadata) though every tensor value is the same',
    };
    return verdict(figures, first, false);
  }
  if (structure) return verdict(noFigures(), structure);
  if (policy.rule === 'tolerance') {
    const { first, ...figures } = elementFigures(sub, ref, thresholds(policy));
    return verdict(figures, first);
  }
  return argmaxVerdict(policy, sub, ref, (figures, first) => verdict(figures, first));
}

/**
 * A failing verdict for an output that could not even be compared — its bytes are not what its hash says — so the
 * evidence says why in the same form as any other.
 */
export function unusableOutput(
  policy: VerificationPolicy,
  hashes: { submittedHash: Hash; referenceHash: Hash },
  reason: string,
): Verdict {
  checkPolicy(policy);
  return finish({
    pass: false,
    policy,
    submittedHash: hashes.submittedHash.toLowerCase() as Hash,
    referenceHash: hashes.referenceHash.toLowerCase() as Hash,
    figures: noFigures(),
    firstFailure: { ...whole(), reason },
  });
}

/** One claimed token and its logprob (a language model's output), or the re-scored one. */
export interface TokenLogprob {
  token: number | string;
  logprob: number;
}

/**
 * Applies a `logprob` policy to the claimed tokens against their re-scoring: the same tokens in the same order, and
 * every claimed logprob within `maxAbsErrorE9`·1e-9 of the re-scored one. Malformed lists throw.
 */
export function compareLogprobs(
  policy: VerificationPolicy,
  claimed: readonly TokenLogprob[],
  rescored: readonly TokenLogprob[],
  hashes: { submittedHash?: Hash; referenceHash?: Hash } = {},
): Verdict {
  checkPolicy(policy);
  if (policy.rule !== 'logprob')
    throw new VerificationError(`a ${policy.rule} policy does not judge logprobs`);
  checkTokenList(claimed, 'claimed');
  checkTokenList(rescored, 're-scored');
  const hashOf = (list: readonly TokenLogprob[]) =>
    keccak256(toBytes(JSON.stringify(list.map((t) => [t.token, t.logprob]))));
  const submittedHash = (hashes.submittedHash ?? hashOf(claimed)).toLowerCase() as Hash;
  const referenceHash = (hashes.referenceHash ?? hashOf(rescored)).toLowerCase() as Hash;
  const bound = thresholds(policy).maxAbsError;
  const figures: Figures = { ...noFigures(), compared: Math.min(claimed.length, rescored.length) };
  let first: FailurePoint | null = null;
  if (claimed.length !== rescored.length) {
    first = {
      ...whole(),
      reason: `${claimed.length} tokens were claimed, the re-scoring has ${rescored.length}`,
    };
  }
  let maxAbs = 0;
  for (let i = 0; i < figures.compared; i++) {
    const c = claimed[i]!;
    const r = rescored[i]!;
    if (c.token !== r.token) {
      figures.failed++;
      first ??= {
        tensor: null,
        index: i,
        at: [i],
        // Strings: a token is an identity, not a magnitude (the summary tells it from a logprob by this).
        submitted: String(c.token),
        reference: String(r.token),
        reason: `token ${i} is ${JSON.stringify(c.token)}, the re-scoring scored ${JSON.stringify(r.token)}`,
      };
      continue;
    }
    const delta = Math.abs(c.logprob - r.logprob);
    if (delta > maxAbs) maxAbs = delta;
    if (delta > bound) {
      figures.failed++;
      first ??= {
        tensor: null,
        index: i,
        at: [i],
        submitted: c.logprob,
        reference: r.logprob,
        reason: `token ${i}’s logprob is off by ${delta}`,
      };
    }
  }
  figures.maxAbsError = maxAbs;
  return finish({ pass: first === null, policy, submittedHash, referenceHash, figures, firstFailure: first });
}

// ─── comparing tensors ──────────────────────────────────────────────────────────────────────────────────────────

function finish(v: Omit<Verdict, 'summary'>): Verdict {
  return { ...v, summary: summarize(v) };
}

/** Figures before anything is compared. */
export function noFigures(): Figures {
  return {
    compared: 0,
    failed: 0,
    maxAbsError: null,
    maxRelError: null,
    agreement: null,
    agreementTensor: null,
  };
}

function whole(): Omit<FailurePoint, 'reason'> {
  return { tensor: null, index: null, at: null, submitted: null, reference: null };
}

function message(err: unknown): string {
  return err instanceof SafetensorsError || err instanceof Error ? err.message : String(err);
}

/** The first way the two files do not hold the same tensors (names, dtypes, shapes); null when they do. */
function compareStructure(sub: SafetensorsFile, ref: SafetensorsFile): FailurePoint | null {
  const subNames = new Map(sub.tensors.map((t) => [t.name, t]));
  for (const r of ref.tensors) {
    const s = subNames.get(r.name);
    if (!s) return { ...whole(), tensor: r.name, reason: `tensor "${r.name}" is missing` };
    if (s.dtype !== r.dtype) {
      return {
        ...whole(),
        tensor: r.name,
        submitted: s.dtype,
        reference: r.dtype,
        reason: `tensor "${r.name}" is ${s.dtype}, the re-run’s is ${r.dtype}`,
      };
    }
    if (s.shape.length !== r.shape.length || s.shape.some((d, i) => d !== r.shape[i])) {
      return {
        ...whole(),
        tensor: r.name,
        submitted: `[${s.shape.join(', ')}]`,
        reference: `[${r.shape.join(', ')}]`,
        reason: `tensor "${r.name}" has shape [${s.shape.join(', ')}], the re-run’s [${r.shape.join(', ')}]`,
      };
    }
  }
  const refNames = new Set(ref.tensors.map((t) => t.name));
  const extra = sub.tensors.find((t) => !refNames.has(t.name));
  if (extra) {
    return { ...whole(), tensor: extra.name, reason: `tensor "${extra.name}" is not in the re-run’s output` };
  }
  return null;
}

/** Pairs of same-named tensors, in name order (both lists are sorted by name by the reader). */
function pairs(sub: SafetensorsFile, ref: SafetensorsFile): [NamedTensor, NamedTensor][] {
  const byName = new Map(sub.tensors.map((t) => [t.name, t]));
  return ref.tensors.flatMap((r) => {
    const s = byName.get(r.name);
    return s && s.dtype === r.dtype && s.shape.length === r.shape.length
      ? [[s, r] as [NamedTensor, NamedTensor]]
      : [];
  });
}

/** |a − b|, with equal infinities and two NaNs counting as equal and one NaN as infinitely far. */
function absDelta(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  const d = Math.abs(a - b);
  return Number.isNaN(d) ? Infinity : d;
}

/**
 * Element-wise figures over every pair of same-named tensors; with bounds, also the elements outside them
 * (|Δ| > maxAbs and |Δ| > maxRel·|reference|) and the first one.
 */
function elementFigures(
  sub: SafetensorsFile,
  ref: SafetensorsFile,
  bounds: { maxAbsError: number; maxRelError: number } | null,
): Figures & { first: FailurePoint | null } {
  let compared = 0;
  let failed = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let first: FailurePoint | null = null;
  for (const [s, r] of pairs(sub, ref)) {
    const a = values(s);
    const b = values(r);
    const n = Math.min(a.length, b.length);
    compared += n;
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      const d = absDelta(x, y);
      if (d === 0) continue;
      const rel = d / Math.abs(y);
      if (d > maxAbs) maxAbs = d;
      if (!(rel <= maxRel)) maxRel = Number.isNaN(rel) ? Infinity : rel;
      if (!bounds || d <= bounds.maxAbsError || rel <= bounds.maxRelError) continue;
      failed++;
      first ??= {
        tensor: r.name,
        index: i,
        at: coordinates(i, r.shape),
        submitted: x,
        reference: y,
        reason: `element ${formatAt(r.name, coordinates(i, r.shape))} is off by ${d}`,
      };
    }
  }
  return {
    compared,
    failed,
    maxAbsError: maxAbs,
    maxRelError: maxRel,
    agreement: null,
    agreementTensor: null,
    first,
  };
}

/** The first element whose value differs (exact rule, for the evidence); null when every value is the same. */
function firstDifference(sub: SafetensorsFile, ref: SafetensorsFile): FailurePoint | null {
  for (const [s, r] of pairs(sub, ref)) {
    const a = values(s);
    const b = values(r);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (absDelta(a[i]!, b[i]!) === 0) continue;
      const at = coordinates(i, r.shape);
      return {
        tensor: r.name,
        index: i,
        at,
        submitted: a[i]!,
        reference: b[i]!,
        reason: `element ${formatAt(r.name, at)} differs`,
      };
    }
  }
  return null;
}

function argmaxVerdict(
  policy: VerificationPolicy,
  sub: SafetensorsFile,
  ref: SafetensorsFile,
  verdict: (figures: Figures, first: FailurePoint | null) => Verdict,
): Verdict {
  const base = elementFigures(sub, ref, null);
  const figures: Figures = { ...noFigures(), maxAbsError: base.maxAbsError, maxRelError: base.maxRelError };
  let first: FailurePoint | null = null;
  for (const [s, r] of pairs(sub, ref)) {
    const a = values(s);
    const b = values(r);
    // A scalar is one row of one value; a tensor with an empty last axis has no rows.
    const width = r.shape.length ? r.shape.at(-1)! : 1;
    const rows = width === 0 ? 0 : b.length / width;
    let agreeing = 0;
    let firstRow: FailurePoint | null = null;
    for (let row = 0; row < rows; row++) {
      const x = argmax(a, row * width, width);
      const y = argmax(b, row * width, width);
      if (x === y) {
        agreeing++;
        continue;
      }
      if (firstRow) continue;
      const at = coordinates(row, r.shape.slice(0, -1));
      firstRow = {
        tensor: r.name,
        index: row,
        at,
        submitted: x,
        reference: y,
        reason: `row ${formatAt(r.name, at)} has its largest value at ${x}, the re-run’s at ${y}`,
      };
    }
    figures.compared += rows;
    figures.failed += rows - agreeing;
    const agreement = rows === 0 ? 1 : agreeing / rows;
    if (figures.agreement === null || agreement < figures.agreement) {
      figures.agreement = agreement;
      figures.agreementTensor = r.name;
    }
    // Whole numbers: 0.99 × rows in floating point could round a tie the wrong way.
    if (agreeing * 10_000 < policy.minAgreementBps * rows) first ??= firstRow;
  }
  return verdict(figures, first);
}

/** Index (within the row) of the first largest value; NaN never wins. −1 for an empty row. */
function argmax(v: ArrayLike<number>, start: number, width: number): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < width; i++) {
    const x = v[start + i]!;
    if (x > bestValue || (best === -1 && !Number.isNaN(x))) {
      best = i;
      bestValue = x;
    }
  }
  return best === -1 && width > 0 ? 0 : best;
}

function coordinates(flat: number, shape: readonly number[]): number[] {
  const at = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    at[d] = size === 0 ? 0 : flat % size;
    flat = size === 0 ? 0 : Math.floor(flat / size);
  }
  return at;
}

export function formatAt(tensor: string, at: readonly number[]): string {
  return `${tensor}[${at.join(', ')}]`;
}

// ─── reading values ─────────────────────────────────────────────────────────────────────────────────────────────

/** A tensor's elements as numbers (64-bit integers beyond 2^53 lose their last bits, which no bound here sees). */
export function values(t: NamedTensor): ArrayLike<number> {
  const bytes = t.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = t.shape.reduce((a, d) => a * d, 1);
  const aligned = <T>(size: number, make: (b: ArrayBufferLike, o: number, n: number) => T): T => {
    const src = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
    return make(src.buffer, src.byteOffset, n);
  };
  switch (t.dtype) {
    case 'F32':
      return aligned(4, (b, o, len) => new Float32Array(b, o, len));
    case 'F64':
      return aligned(8, (b, o, len) => new Float64Array(b, o, len));
    case 'I32':
      return aligned(4, (b, o, len) => new Int32Array(b, o, len));
    case 'U32':
      return aligned(4, (b, o, len) => new Uint32Array(b, o, len));
    case 'I16':
      return aligned(2, (b, o, len) => new Int16Array(b, o, len));
    case 'U16':
      return aligned(2, (b, o, len) => new Uint16Array(b, o, len));
    case 'I8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, n);
    case 'U8':
    case 'BOOL':
      return bytes;
    case 'I64':
      return Float64Array.from({ length: n }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    case 'U64':
      return Float64Array.from({ length: n }, (_, i) => Number(view.getBigUint64(i * 8, true)));
    case 'F16':
      return Float64Array.from({ length: n }, (_, i) => halfToNumber(view.getUint16(i * 2, true)));
    case 'BF16':
      return Float64Array.from({ length: n }, (_, i) => bfloatToNumber(view.getUint16(i * 2, true)));
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf = new DataView(new ArrayBuffer(4));
function bfloatToNumber(b: number): number {
  bf.setUint32(0, b << 16);
  return bf.getFloat32(0);
}

/**
 * A language model's output as tokens and logprobs: an integer `tokens` tensor and a float `logprobs` tensor of the
 * same length. A message (string) when the file does not hold them.
 */
function tokenLogprobs(file: SafetensorsFile, which: string): TokenLogprob[] | string {
  const tokens = file.tensors.find((t) => t.name === 'tokens');
  const logprobs = file.tensors.find((t) => t.name === 'logprobs');
  if (!tokens || !logprobs) return `the ${which} output has no "tokens" and "logprobs" tensors`;
  if (!/^[IU]\d+$/.test(tokens.dtype))
    return `the ${which} output's "tokens" is ${tokens.dtype}, not integers`;
  if (!/^(F|BF)\d+$/.test(logprobs.dtype))
    return `the ${which} output's "logprobs" is ${logprobs.dtype}, not floats`;
  const t = values(tokens);
  const l = values(logprobs);
  if (t.length !== l.length) return `the ${which} output has ${t.length} tokens and ${l.length} logprobs`;
  return Array.from({ length: t.length }, (_, i) => ({ token: t[i]!, logprob: l[i]! }));
}

function checkTokenList(list: readonly TokenLogprob[], which: string): void {
  if (!Array.isArray(list)) throw new VerificationError(`the ${which} tokens are not a list`);
  list.forEach((t, i) => {
    const ok =
      typeof t === 'object' &&
      t !== null &&
      (typeof t.token === 'string' || (typeof t.token === 'number' && Number.isInteger(t.token))) &&
      typeof t.logprob === 'number' &&
      Number.isFinite(t.logprob);
    if (!ok) {
      throw new VerificationError(
        `${which} token ${i} is not {token: integer or string, logprob: finite number}`,
      );
    }
  });
}
