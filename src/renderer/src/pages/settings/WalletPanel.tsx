import { useId, useState } from 'react';
import type { WalletInfo } from '#shared/api';
import { ErrorNotice, Loaded } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { RadioChoices } from '../../components/RadioChoices';
import { useAction, useLive } from '../../lib/api';
import { unlockedByWords } from './UnlockWays';

/** The wallet: create or import a key, unlock it, lock it, export it as an encrypted keystore. */
export function WalletPanel() {
  const wallet = useLive('wallet.get', {}, 'wallet.changed');
  return (
    <Loaded state={wallet} loadingLabel="Opening the wallet…">
      {(w) => <WalletState wallet={w} onChange={wallet.reload} />}
    </Loaded>
  );
}

function WalletState({ wallet, onChange }: { wallet: WalletInfo; onChange: () => void }) {
  if (!wallet.exists) return <NewWallet wallet={wallet} onChange={onChange} />;
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          <code className="break" data-testid="wallet-address">
            {wallet.address}
          </code>
        </dd>
        <dt>Key kept</dt>
        <dd>
          {wallet.protection === 'os-keychain' ? 'in the system keychain' : 'in a passphrase keystore'}
          <div className="muted small">{wallet.protectionNote}</div>
        </dd>
        <dt>Unlocked</dt>
        <dd data-testid="unlocked-by">{unlockedByWords(wallet)}</dd>
      </dl>
      {wallet.locked && wallet.unlockProblem && (
        <div className="notice notice-error" role="alert" data-testid="unlock-problem">
          <strong>The unlock at start failed.</strong> {wallet.unlockProblem}
        </div>
      )}
      {wallet.locked ? <Unlock onChange={onChange} /> : <Unlocked onChange={onChange} />}
    </div>
  );
}

function PassphraseField({
  label,
  value,
  onChange,
  help,
  autoComplete = 'current-password',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  help?: string;
  autoComplete?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        autoComplete={autoComplete}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={help ? `${id}-help` : undefined}
      />
      {help && (
        <div id={`${id}-help`} className="muted small">
          {help}
        </div>
      )}
    </div>
  );
}

const modes = [
  { id: 'create', label: 'Create a new key' },
  { id: 'import', label: 'Import a key I have' },
] as const;

const sources = [
  { id: 'mnemonic', label: 'Recovery phrase' },
  { id: 'privateKey', label: 'Private key (hex)' },
] as const;

/** No key yet: create one, or import a private key or a recovery phrase. */
function NewWallet({ wallet, onChange }: { wallet: WalletInfo; onChange: () => void }) {
  const [mode, setMode] = useState<'create' | 'import'>('create');
  const [source, setSource] = useState<'mnemonic' | 'privateKey'>('mnemonic');
  const [secret, setSecret] = useState('');
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const create = useAction('wallet.create');
  const importKey = useAction('wallet.import');
  const secretId = useId();
  const pending = create.pending || importKey.pending;
  const mismatch = pass !== '' && pass !== again;
  const short = pass !== '' && pass.length < 8;
  const submit = async () => {
    const passphrase = pass === '' ? undefined : pass;
    const result =
      mode === 'create'
        ? await create.run({ passphrase })
        : await importKey.run(
            source === 'mnemonic'
              ? { mnemonic: secret.trim(), passphrase }
              : { privateKey: secret.trim(), passphrase },
          );
    if (result) onChange();
  };
  return (
    <form
      className="form"
      aria-label="Set up a wallet"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>
        No wallet yet. The wallet holds the key that bonds, receives payouts and signs results.{' '}
        <span className="muted">{wallet.protectionNote}</span>
      </p>
      <div className="radio-row" role="radiogroup" aria-label="How">
        <RadioChoices name="wallet-mode" value={mode} choices={modes} onChange={setMode} />
      </div>
      {mode === 'import' && (
        <>
          <div className="radio-row" role="radiogroup" aria-label="Key format">
            <RadioChoices name="wallet-source" value={source} choices={sources} onChange={setSource} />
          </div>
          <div className="field">
            <label htmlFor={secretId}>
              {source === 'mnemonic'
                ? 'Your recovery phrase (12 or 24 words)'
                : 'Your private key (64 hex characters)'}
            </label>
            <textarea
              id={secretId}
              rows={source === 'mnemonic' ? 3 : 2}
              value={secret}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setSecret(e.target.value)}
            />
          </div>
        </>
      )}
      <PassphraseField
        label="Passphrase"
        value={pass}
        onChange={setPass}
        autoComplete="new-password"
        help="Encrypts the key on disk (at least 8 characters). Needed where the system has no keychain; there is no way to recover it."
      />
      {pass !== '' && (
        <PassphraseField
          label="Passphrase again"
          value={again}
          onChange={setAgain}
          autoComplete="new-password"
        />
      )}
      {(mismatch || short) && (
        <div className="text-error small" role="status">
          {short ? 'The passphrase needs at least 8 characters.' : 'The two passphrases differ.'}
        </div>
      )}
      {create.error && <ErrorNotice error={create.error} />}
      {importKey.error && <ErrorNotice error={importKey.error} />}
      {pending && <ProgressBar value={null} label="Encrypting the key…" />}
      <button
        type="submit"
        className="primary"
        disabled={pending || mismatch || short || (mode === 'import' && secret.trim() === '')}
      >
        {mode === 'create' ? 'Create wallet' : 'Import wallet'}
      </button>
    </form>
  );
}

function Unlock({ onChange }: { onChange: () => void }) {
  const [pass, setPass] = useState('');
  const unlock = useAction('wallet.unlock');
  return (
    <form
      className="form"
      aria-label="Unlock the wallet"
      onSubmit={(e) => {
        e.preventDefault();
        void unlock.run({ passphrase: pass }).then((r) => r && (setPass(''), onChange()));
      }}
    >
      <p>The wallet is locked: providing, bonding and withdrawing need it unlocked.</p>
      <PassphraseField label="Passphrase" value={pass} onChange={setPass} />
      {unlock.error && <ErrorNotice error={unlock.error} />}
      {unlock.pending && <ProgressBar value={null} label="Decrypting the key…" />}
      <button type="submit" className="primary" disabled={unlock.pending || pass.length < 8}>
        Unlock
      </button>
    </form>
  );
}

function Unlocked({ onChange }: { onChange: () => void }) {
  const lock = useAction('wallet.lock');
  return (
    <>
      <div className="button-row">
        <button
          type="button"
          disabled={lock.pending}
          onClick={() => void lock.run({}).then((r) => r && onChange())}
        >
          Lock the wallet
        </button>
        <span className="muted small">Locking stops providing until it is unlocked again.</span>
      </div>
      {lock.error && <ErrorNotice error={lock.error} />}
      <ExportKey />
    </>
  );
}

/** Saves a file through the browser's download (the keystore never passes through the clipboard). */
function saveFile(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Export behind a confirmation: the user reads what the file means and sets the passphrase that encrypts it. */
function ExportKey() {
  const [open, setOpen] = useState(false);
  const [pass, setPass] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const exportKey = useAction('wallet.export');
  if (!open) {
    return (
      <div className="button-row">
        <button type="button" onClick={() => setOpen(true)}>
          Export the key…
        </button>
        {savedAs && (
          <span role="status" className="text-ok">
            Saved as {savedAs}.
          </span>
        )}
      </div>
    );
  }
  return (
    <form
      className="confirm"
      aria-label="Export the key"
      onSubmit={(e) => {
        e.preventDefault();
        void exportKey.run({ passphrase: pass, confirm: true }).then((r) => {
          if (!r) return;
          saveFile(r.filename, r.keystore);
          setSavedAs(r.filename);
          setOpen(false);
          setPass('');
          setUnderstood(false);
        });
      }}
    >
      <p>
        The export is an encrypted keystore file (Web3 secret storage). Anyone who has the file <em>and</em>{' '}
        its passphrase controls this wallet: its bonds, its payouts, its tokens. Keep it offline.
      </p>
      <PassphraseField
        label="Passphrase for the file"
        value={pass}
        onChange={setPass}
        autoComplete="new-password"
        help="At least 8 characters. You need it to import the file anywhere."
      />
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
        <span>I understand that this file with its passphrase gives full control of the wallet.</span>
      </label>
      {exportKey.error && <ErrorNotice error={exportKey.error} />}
      <div className="button-row">
        <button
          type="submit"
          className="primary"
          disabled={!understood || pass.length < 8 || exportKey.pending}
        >
          Export keystore file
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
