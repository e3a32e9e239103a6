import { FlywheelError } from '#shared/errors';
import type { Logger } from '../log';
import { KeystoreError } from '../wallet/keystore';
import { findUnattendedPassphrase, type UnattendedOptions } from '../wallet/unlockSources';
import type { Wallet } from '../wallet/wallet';

export interface UnlockAtStartResult {
  /** Whether the wallet is usable now. */
  unlocked: boolean;
  /** One line for the terminal: what was done, or why the wallet stays locked and what to do. */
  line: string;
}

/**
 * The headless shell's unlock without a person, right after the node opens: with the passphrase from the first way
 * set up (`--passphrase-file`, FLYWHEEL_PASSPHRASE_FILE, FLYWHEEL_PASSPHRASE, the OS keychain). A way that fails
 * (a wrong passphrase, a file others can read) never stops the node: the wallet stays locked, says why in
 * `wallet.get` (`unlockProblem`) and in the log, and the provider stays paused until someone unlocks it.
 */
export async function unlockAtStart(
  wallet: Wallet,
  options: Omit<UnattendedOptions, 'address' | 'onKeychainError'> & { log: Logger },
): Promise<UnlockAtStartResult> {
  const { log } = options;
  const info = wallet.info();
  const address = info.address;
  if (!info.exists || address === null) {
    const asked = options.passphraseFile !== undefined || options.env?.FLYWHEEL_PASSPHRASE_FILE;
    return {
      unlocked: false,
      line: asked
        ? 'No wallet yet: create or import one in Settings → Wallet; the passphrase file unlocks it from the next start.'
        : 'No wallet yet: create or import one in Settings → Wallet.',
    };
  }
  if (!info.locked) {
    return { unlocked: true, line: `Wallet ${address} unlocked (its key is sealed by the OS keychain).` };
  }
  if (info.protection !== 'passphrase') {
    return {
      unlocked: false,
      line: `Wallet ${address} is locked: ${info.protectionNote}`,
    };
  }

  let found;
  try {
    found = await findUnattendedPassphrase({
      ...options,
      address,
      onKeychainError: (err) =>
        log.info('could not ask the OS keychain for the wallet passphrase', {
          error: err.shortMessage,
          details: err.details,
        }),
    });
  } catch (err) {
    return failed(wallet, log, err, 'the passphrase file');
  }
  if (found === null) {
    return {
      unlocked: false,
      line:
        `Wallet ${address} is locked: providing waits until it is unlocked in Settings → Wallet. ` +
        'To unlock it at start without a person, use --passphrase-file PATH, FLYWHEEL_PASSPHRASE or ' +
        '`flywheel keychain save` (see the README).',
    };
  }
  try {
    await wallet.unlock(found.passphrase, found.source);
  } catch (err) {
    return failed(wallet, log, err, found.where);
  }
  return { unlocked: true, line: `Wallet ${address} unlocked with the passphrase from ${found.where}.` };
}

function failed(wallet: Wallet, log: Logger, err: unknown, where: string): UnlockAtStartResult {
  let problem: string;
  if (err instanceof KeystoreError && err.failure === 'wrong-passphrase') {
    problem =
      `The passphrase from ${where} does not open the wallet, so it stays locked and nothing is provided. ` +
      'Correct it and restart, or unlock the wallet in Settings → Wallet.';
  } else if (err instanceof FlywheelError) {
    problem =
      `${err.shortMessage} ${err.action ?? ''} Until then the wallet stays locked and nothing is provided.`
        .replace(/\s+/g, ' ')
        .trim();
  } else {
    problem = `The wallet could not be unlocked at start (${(err as Error).message}); it stays locked.`;
  }
  log.error('the wallet stays locked: the unlock at start failed', { problem });
  wallet.unlockFailed(problem);
  return { unlocked: false, line: problem };
}
