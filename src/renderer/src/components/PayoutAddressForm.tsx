import { useId, useState } from 'react';
import type { Address } from '#shared/api/define';
import { useSave } from '../lib/api';
import { SaveFooter } from './SaveFooter';
import './PayoutAddressForm.css';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Where withdrawals go: an address of the user's choice, or (empty) the node's own wallet. */
export function PayoutAddressForm({ current }: { current: Address | null }) {
  const id = useId();
  const [text, setText] = useState(current ?? '');
  const save = useSave('settings.update');
  const trimmed = text.trim();
  const valid = trimmed === '' || ADDRESS.test(trimmed);
  const changed = trimmed !== (current ?? '');
  return (
    <form
      className="payout"
      aria-label="Where withdrawals go"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        save.edit();
        void save.submit({ patch: { payoutAddress: trimmed === '' ? null : (trimmed as Address) } });
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-payout`}>Payout address</label>
        <input
          id={`${id}-payout`}
          value={text}
          placeholder="0x… (empty: this node’s wallet)"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setText(e.target.value);
            save.edit();
          }}
          aria-invalid={!valid}
          aria-describedby={`${id}-payout-help`}
        />
        <div id={`${id}-payout-help`} className={valid ? 'muted small' : 'text-error small'}>
          {valid
            ? 'Withdrawals are paid here. Use an address you control elsewhere (a hardware wallet) to keep earnings off this machine.'
            : 'An address is 0x followed by 40 hexadecimal characters.'}
        </div>
      </div>
      <SaveFooter save={save} label="Save payout address" disabled={!valid || !changed} primary={false} />
    </form>
  );
}
