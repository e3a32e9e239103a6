import { useId, useState, type ReactNode } from 'react';
import type { Address } from '#shared/api/define';
import { useAction } from '../lib/api';
import type { BondRole } from '../lib/bond';
import { parseAmount, type TokenLike } from '../lib/money';
import { ErrorNotice } from './feedback';
import { ProgressBar } from './ProgressBar';

const words = {
  provider: {
    exit: 'Exit…',
    exitGroup: (name: string) => `Exit ${name}`,
    confirmExit: 'Exit and start unbonding',
    addForm: (name: string) => `Add bond in ${name}`,
    addField: 'Add to the bond',
  },
  validator: {
    exit: 'Stop validating here…',
    exitGroup: (name: string) => `Stop validating in ${name}`,
    confirmExit: 'Stop validating and start unbonding',
    addForm: (name: string) => `Add validator bond in ${name}`,
    addField: 'Add to the validator bond',
  },
} satisfies Record<BondRole, unknown>;

/**
 * What can be done with a bond that serves: add to it (`addBond`), or exit (start unbonding) behind a confirmation
 * that says what exiting means. An amount of 0 is not offered: the contract refuses to add nothing.
 */
export function BondActions({
  role,
  economy,
  name,
  token,
  exitNote,
  more,
  onChanged,
}: {
  role: BondRole;
  economy: Address;
  /** The economy's name. */
  name: string;
  token: TokenLike;
  /** What exiting does here, shown in the confirmation. */
  exitNote: ReactNode;
  /** Further buttons, between "Add bond…" and the exit. */
  more?: ReactNode;
  /** After an addition or an exit went through. */
  onChanged?: () => void;
}) {
  const say = words[role];
  const [mode, setMode] = useState<'idle' | 'exit' | 'add'>('idle');
  const exit = useAction(`${role}.exit`);
  const add = useAction(`${role}.addBond`);
  const [addText, setAddText] = useState('');
  const fieldId = useId();
  const parsed = parseAmount(addText, token.decimals);
  const addable = parsed.ok && parsed.value > 0n;
  const error = exit.error ?? add.error;
  return (
    <div className="membership-actions">
      {error && <ErrorNotice error={error} />}
      {mode === 'idle' && (
        <div className="button-row">
          <button type="button" onClick={() => setMode('add')}>
            Add bond…
          </button>
          {more}
          <button type="button" className="danger" onClick={() => setMode('exit')}>
            {say.exit}
          </button>
        </div>
      )}
      {mode === 'exit' && (
        <div className="confirm" role="group" aria-label={say.exitGroup(name)}>
          <p>{exitNote}</p>
          {exit.pending && <ProgressBar value={null} label="Sending the exit to the chain…" />}
          <div className="button-row">
            <button
              type="button"
              className="danger"
              disabled={exit.pending}
              onClick={() => void exit.run({ economy }).then((r) => r && (setMode('idle'), onChanged?.()))}
            >
              {say.confirmExit}
            </button>
            <button type="button" onClick={() => setMode('idle')} disabled={exit.pending}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {mode === 'add' && (
        <form
          className="confirm"
          aria-label={say.addForm(name)}
          onSubmit={(e) => {
            e.preventDefault();
            if (!addable) return;
            void add
              .run({ economy, amount: parsed.value.toString() })
              .then((r) => r && (setMode('idle'), setAddText(''), onChanged?.()));
          }}
        >
          <div className="field">
            <label htmlFor={fieldId}>{`${say.addField} (${token.symbol})`}</label>
            <input
              id={fieldId}
              inputMode="decimal"
              value={addText}
              onChange={(e) => setAddText(e.target.value)}
              aria-invalid={addText !== '' && !parsed.ok}
            />
            {addText !== '' && !parsed.ok && <div className="text-error small">{parsed.error}</div>}
          </div>
          {add.pending && <ProgressBar value={null} label="Sending the bond to the chain…" />}
          <div className="button-row">
            <button type="submit" className="primary" disabled={!addable || add.pending}>
              Add bond
            </button>
            <button type="button" onClick={() => setMode('idle')} disabled={add.pending}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
