import { FlywheelError } from './errors';

/**
 * Decline reason codes, shared by the engine (which detects them), the node (which declines on-chain with them),
 * the contracts (`uint8 reason`) and the UI. Code 0 is never used on-chain.
 */
export const declineReasons = {
  MODEL_HASH_MISMATCH: {
    code: 1,
    label: 'Model hash mismatch',
    meaning: 'the model bytes do not hash to the job’s model hash',
  },
  MODEL_INVALID: {
    code: 2,
    label: 'Model invalid',
    meaning: 'not a loadable ONNX or GGUF model (truncated, bad graph, unsupported op or architecture)',
  },
  INPUT_HASH_MISMATCH: {
    code: 3,
    label: 'Input hash mismatch',
    meaning: 'the input bytes do not hash to the job’s input hash',
  },
  INPUT_INVALID: {
    code: 4,
    label: 'Input invalid',
    meaning: 'missing, extra, wrongly typed or wrongly shaped tensors, or bad safetensors',
  },
  INPUT_TOO_LARGE: {
    code: 5,
    label: 'Input too large',
    meaning: 'over this provider’s tensor or file size cap',
  },
  FETCH_FAILED: {
    code: 6,
    label: 'Fetch failed',
    meaning: 'model or input unreachable (URI down, refused path, gateway error)',
  },
  UNSUPPORTED_KIND: {
    code: 7,
    label: 'Unsupported kind',
    meaning: 'this provider does not serve that job kind',
  },
  DEADLINE_INFEASIBLE: {
    code: 8,
    label: 'Deadline infeasible',
    meaning: 'at this machine’s benchmarked speed the deadline cannot be met',
  },
  OVER_CAPACITY: { code: 9, label: 'Over capacity', meaning: 'all slots busy (paused, limits, temperature)' },
} as const;

export type DeclineReasonName = keyof typeof declineReasons;
export type DeclineReasonCode = (typeof declineReasons)[DeclineReasonName]['code'];

export const declineReasonNames = Object.keys(declineReasons) as DeclineReasonName[];

export function declineReasonByCode(code: number): DeclineReasonName | undefined {
  return declineReasonNames.find((name) => declineReasons[name].code === code);
}

/**
 * A job this node will not (or cannot) run, with the reason it gives on-chain (`declineJob`): raised by the job
 * pipeline (over capacity, deadline, a fetch that failed), by the engine's checks and inside its workers (a model or
 * input that fails them). A decline inside the accept window is never slashed. `details` says what exactly was
 * wrong, for the log and the job's page.
 */
export class Decline extends FlywheelError {
  override name = 'Decline';
  readonly reason: DeclineReasonName;
  readonly reasonCode: DeclineReasonCode;
  declare readonly details: string;

  constructor(reason: DeclineReasonName, details: string, options: { cause?: unknown } = {}) {
    super(`Job declined: ${declineReasons[reason].label.toLowerCase()}.`, {
      code: 'DECLINED',
      details,
      cause: options.cause,
    });
    this.reason = reason;
    this.reasonCode = declineReasons[reason].code;
  }
}

export function isDecline(err: unknown): err is Decline {
  return err instanceof Decline;
}
