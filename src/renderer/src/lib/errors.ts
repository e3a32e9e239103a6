import type { ApiErrorData, ErrorCode } from '#shared/errors';

/**
 * What to do about an error when the node did not say: every error the user sees comes with a next step.
 * The node's own `action` always wins; these are the fallbacks per code.
 */
const fallback: Partial<Record<ErrorCode, string>> = {
  UNAVAILABLE: 'Nothing to fix on your side: this part of the node is not running yet. Try again later.',
  RPC_FAILED:
    'Check the network settings (RPC URL and chain id) and that the chain is reachable, then try again.',
  TX_FAILED:
    'Nothing was spent but gas. Check your balance and try again; the details say why the chain refused.',
  WALLET_LOCKED: 'Unlock the wallet in Settings, then try again.',
  BAD_INPUT: 'Correct the fields named below and try again.',
  INVALID_PAYLOAD: 'Correct the fields named below and try again.',
  CONFLICT: 'The state changed meanwhile: reload the page and try again.',
  NOT_FOUND: 'It may have been removed; go back and pick another.',
  UNAUTHORIZED: 'Open the URL that `npm start` printed: it carries the access token.',
  IO_FAILED: 'Check that the data folder is writable and the disk is not full.',
  ENGINE_FAILED: 'See the details for what the engine hit; the log has the rest.',
  DECLINED: 'Nothing to fix: the job is declined on-chain with this reason, and a decline is never slashed.',
  INTERNAL: 'Try again; if it keeps happening, the log has the details.',
};

export function adviceFor(error: ApiErrorData): string | undefined {
  return error.action ?? fallback[error.code];
}

/** A part that is simply not running is a state to show calmly, not an alarm. */
export function isUnavailable(error: ApiErrorData | undefined): boolean {
  return error?.code === 'UNAVAILABLE';
}
