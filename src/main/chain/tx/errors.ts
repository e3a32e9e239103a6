import { decodeErrorResult, type Abi, type Hash, type Hex, type TransactionReceipt } from 'viem';
import { FlywheelError } from '#shared/errors';
import { contractErrorWords, rawErrorText, type ContractErrorWords, type ErrorUnits } from './contractErrors';

/** A transaction that reverted (in simulation or on-chain) or could not be sent. */
export class TxFailedError extends FlywheelError {
  override name = 'TxFailedError';
  readonly key: string;
  readonly hash: Hash | undefined;
  readonly receipt: TransactionReceipt | undefined;

  constructor(
    shortMessage: string,
    options: {
      key: string;
      hash?: Hash;
      receipt?: TransactionReceipt;
      details?: string;
      action?: string;
      cause?: unknown;
    },
  ) {
    super(shortMessage, {
      code: 'TX_FAILED',
      details: options.details,
      cause: options.cause,
      ...(options.action !== undefined ? { action: options.action } : {}),
    });
    this.key = options.key;
    this.hash = options.hash;
    this.receipt = options.receipt;
  }
}

/** The chain's RPC could not be used (after retries). */
export function rpcFailed(what: string, cause: unknown): FlywheelError {
  return new FlywheelError(`The chain’s RPC did not answer (${what}).`, {
    code: 'RPC_FAILED',
    action: 'Check the network connection and the RPC URL in Settings.',
    cause,
  });
}

/** Every message and name in an error's cause chain, lowercased, for matching node answers. */
function chainText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 12; i++) {
    if (e instanceof Error) {
      parts.push(e.name, e.message);
      const details = (e as { details?: unknown }).details;
      if (typeof details === 'string') parts.push(details);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(' | ').toLowerCase();
}

/**
 * Whether an RPC failure is about the connection (reset, timeout, 5xx, 429) rather than an answer about the
 * request: those are retried; answers are not.
 */
export function isTransient(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; e && i < 12; i++) {
    const x = e as { name?: string; status?: number; code?: unknown };
    if (x.name === 'HttpRequestError')
      return x.status === undefined || x.status >= 500 || x.status === 429 || x.status === 408;
    if (x.name === 'TimeoutError' || x.name === 'SocketClosedError' || x.name === 'LimitExceededRpcError')
      return true;
    if (
      typeof x.code === 'string' &&
      /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET)$/.test(x.code)
    )
      return true;
    e = (e as Error).cause;
  }
  return /fetch failed|socket hang up|other side closed/.test(chainText(err));
}

/** How a node answered `eth_sendRawTransaction` when it did not simply accept it. */
export type SendAnswer = 'known' | 'nonce-too-low' | 'underpriced' | 'rejected';

export function classifySendError(err: unknown): SendAnswer {
  const text = chainText(err);
  if (
    /already known|already imported|known transaction|alreadyknown|already in (the )?(mempool|pool)/.test(
      text,
    )
  )
    return 'known';
  if (/nonce too low|nonce has already been used|oldnonce|nonce is too low/.test(text))
    return 'nonce-too-low';
  if (/underpriced|fee too low|less than (the )?block base fee|feecap|max fee per gas less than/.test(text))
    return 'underpriced';
  return 'rejected';
}

/** The node's own words for a refusal or revert, on one line: its details when it gave some, else viem's summary. */
export function nodeWords(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; e instanceof Error && i < 12; i++, e = e.cause) {
    const details = (e as { details?: unknown }).details;
    if (typeof details === 'string' && details.trim()) return details.trim().split('\n')[0]!;
  }
  const x = err as { shortMessage?: string; message?: string };
  return (x.shortMessage ?? x.message ?? String(err)).split('\n')[0]!;
}

/** The contract's custom error in a revert, decoded with its ABI, when the revert data is there and the ABI knows it. */
export function decodeRevert(
  err: unknown,
  abi?: Abi,
): { name: string; args: readonly unknown[] } | undefined {
  if (!abi) return undefined;
  let e: unknown = err;
  for (let i = 0; e instanceof Error && i < 12; i++, e = e.cause) {
    const data = (e as { data?: unknown }).data;
    const hex = typeof data === 'string' ? data : (data as { data?: unknown } | undefined)?.data;
    if (typeof hex === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(hex)) {
      try {
        const decoded = decodeErrorResult({ abi, data: hex as Hex });
        return { name: decoded.errorName, args: decoded.args ?? [] };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A revert's raw form: the contract's custom error decoded with its ABI (`AlreadyDone()`, `BondTooLow(5, 100)`)
 * when the revert data is in the error and the ABI knows it; otherwise the node's words.
 */
export function revertReason(err: unknown, abi?: Abi): string {
  const decoded = decodeRevert(err, abi);
  return decoded ? rawErrorText(decoded.name, decoded.args) : nodeWords(err);
}

/**
 * A revert in words for the user (src/main/chain/tx/contractErrors.ts): a sentence with the values formatted and
 * what to do, plus the raw form for the details. Without a decodable custom error, the node's words.
 */
export function revertWords(
  err: unknown,
  abi?: Abi,
  units: ErrorUnits = {},
): ContractErrorWords & { raw: string } {
  const decoded = decodeRevert(err, abi);
  if (!decoded) {
    const words = nodeWords(err);
    return { sentence: `The transaction would fail: ${words}`, raw: words };
  }
  return {
    ...contractErrorWords(decoded.name, decoded.args, units),
    raw: rawErrorText(decoded.name, decoded.args),
  };
}
