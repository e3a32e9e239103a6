import type { ReactNode } from 'react';
import type { UnlockSource, WalletInfo } from '#shared/api';

/** Where this run's unlock came from, in words. */
export function unlockedByWords(wallet: WalletInfo): string {
  if (wallet.locked) return 'Not unlocked in this run';
  switch (wallet.unlockedBy) {
    case 'typed':
      return 'With the passphrase typed here (or the key just created or imported)';
    case 'passphrase-file':
      return 'At start, with the passphrase file the shell was pointed at';
    case 'environment':
      return 'At start, with the FLYWHEEL_PASSPHRASE environment variable';
    case 'os-keychain':
      return 'By the OS keychain';
    default:
      return 'Unlocked';
  }
}

const ways: { source: UnlockSource; name: string; how: ReactNode; risk: string }[] = [
  {
    source: 'typed',
    name: 'Typed by a person',
    how: 'Settings → Wallet after each start.',
    risk:
      'Nothing is stored anywhere. But after every restart the wallet waits locked, and the node provides ' +
      'nothing until someone types the passphrase.',
  },
  {
    source: 'os-keychain',
    name: 'OS keychain',
    how: (
      <>
        <code>flywheel keychain save</code> keeps the passphrase in the Secret Service (Linux, secret-tool);
        the shell asks it at start.
      </>
    ),
    risk:
      'The passphrase is encrypted by your login keyring, which must be unlocked for the shell to read it (a ' +
      'desktop login does that; a server without one usually has none). While it is unlocked, any program ' +
      'running as your user can ask for it.',
  },
  {
    source: 'passphrase-file',
    name: 'Passphrase file',
    how: (
      <>
        <code>--passphrase-file PATH</code> (or <code>FLYWHEEL_PASSPHRASE_FILE</code>): a file of yours, mode
        0600.
      </>
    ),
    risk:
      'The passphrase sits in plain text in that file: whoever can read it and the data folder has the key — ' +
      'root, a program running as you, a backup or a copy of the disk. Flywheel refuses a file other users can ' +
      'read. Keep it out of backups and shared folders.',
  },
  {
    source: 'environment',
    name: 'Environment variable',
    how: (
      <>
        <code>FLYWHEEL_PASSPHRASE</code> in the shell’s environment.
      </>
    ),
    risk:
      'Any program running as your user can read a process’s environment (/proc/<pid>/environ), and the value ' +
      'tends to end up in shell history, service files and logs. Flywheel removes it from its own environment ' +
      'once read, so the programs it starts do not inherit it; the copy the OS keeps for the process stays.',
  },
];

/**
 * How a rig unlocks its wallet at start without a person, each way with its risk in plain words; the one this run
 * used is marked. Only the headless shell reads these (the desktop app seals the key with the OS keychain itself).
 */
export function UnlockWays({ wallet }: { wallet: WalletInfo }) {
  const used = wallet.locked ? null : (wallet.unlockedBy ?? null);
  return (
    <div className="stack" data-testid="unlock-ways">
      <p className="muted small">
        A rig that restarts without anyone at it needs the passphrase from somewhere. The first one set up
        wins: the passphrase file, then the environment variable, then the OS keychain. A wrong passphrase
        leaves the wallet locked and the node paused; it never stops the node.
      </p>
      <dl className="facts">
        {ways.map((w) => (
          <div key={w.source} className="fact-row" data-testid={`unlock-way-${w.source}`}>
            <dt>
              {w.name}
              {used === w.source && <strong className="text-ok"> — used in this run</strong>}
            </dt>
            <dd>
              <div>{w.how}</div>
              <div className="muted small">Risk: {w.risk}</div>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
