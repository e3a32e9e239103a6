import { useId, useState } from 'react';
import type { EconomySummary } from '#shared/api';
import { useDebounced } from '../hooks/useDebounced';
import { checkBond, minBond, type BondRole } from '../lib/bond';
import { formatUnits, toBigInt, type ParseResult } from '../lib/money';
import { Amount } from './Amount';

const words = {
  provider: {
    label: 'Bond',
    note: 'A bigger bond takes more jobs at once (each job locks collateral from it).',
  },
  validator: {
    label: 'Validator bond',
    note: 'A vote weighs by the bond: a bigger bond earns a bigger share, and loses more when wrong.',
  },
} satisfies Record<BondRole, unknown>;

/** A bond being typed: its text (the economy's minimum at first), the check of it, and its value once settled. */
export interface BondInput {
  text: string;
  setText: (text: string) => void;
  bond: ParseResult;
  /** The bond in base units once the typing has stopped; null while the bond is refused. */
  settled: string | null;
}

export function useBondInput(economy: EconomySummary, role: BondRole): BondInput {
  const [text, setText] = useState(() =>
    formatUnits(toBigInt(minBond(economy, role)), economy.token.decimals),
  );
  const bond = checkBond(text, economy, role);
  const settled = useDebounced(bond.ok ? bond.value.toString() : null);
  return { text, setText, bond, settled };
}

/** The bond to put up in an economy: the minimum and what the wallet holds, or why the amount is refused. */
export function BondField({
  role,
  economy,
  input,
}: {
  role: BondRole;
  economy: EconomySummary;
  input: BondInput;
}) {
  const say = words[role];
  const id = useId();
  const { bond } = input;
  return (
    <div className="field">
      <label htmlFor={`${id}-bond`}>{`${say.label} (${economy.token.symbol})`}</label>
      <input
        id={`${id}-bond`}
        inputMode="decimal"
        value={input.text}
        onChange={(e) => input.setText(e.target.value)}
        aria-invalid={!bond.ok}
        aria-describedby={`${id}-bond-help`}
      />
      <div id={`${id}-bond-help`} className={bond.ok ? 'muted small' : 'text-error small'}>
        {bond.ok ? (
          <>
            At least <Amount value={minBond(economy, role)} token={economy.token} />
            {economy.membership.walletBalance !== undefined && (
              <>
                ; your wallet holds <Amount value={economy.membership.walletBalance} token={economy.token} />
              </>
            )}
            . {say.note}
          </>
        ) : (
          bond.error
        )}
      </div>
    </div>
  );
}
