import type { EconomyEarnings } from '#shared/api';
import type { Address } from '#shared/api/define';
import { AmountCell } from '../../components/Amount';
import { toBigInt } from '../../lib/money';

/** Earnings per economy, each in its own token, with a withdraw button where something is claimable. */
export function EconomyEarningsTable({
  economies,
  onWithdraw,
  busy,
}: {
  economies: EconomyEarnings[];
  onWithdraw: (economy: Address) => void;
  busy: boolean;
}) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="economy-earnings">
        <caption className="sr-only">Earnings per economy</caption>
        <thead>
          <tr>
            <th scope="col">Economy</th>
            <th scope="col" className="num">
              Bonded
            </th>
            <th scope="col" className="num">
              Pending
            </th>
            <th scope="col" className="num">
              Claimable
            </th>
            <th scope="col" className="num">
              Withdrawn
            </th>
            <th scope="col" className="num">
              Slashed
            </th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {economies.map((e) => (
            <tr key={e.economy}>
              <th scope="row">{e.economyName}</th>
              <AmountCell value={e.bonded} token={e.token} />
              <AmountCell value={e.pending} token={e.token} />
              <AmountCell value={e.claimable} token={e.token} />
              <AmountCell value={e.withdrawn} token={e.token} />
              <AmountCell value={e.slashed} token={e.token} loss />
              <td>
                <button
                  type="button"
                  disabled={busy || toBigInt(e.claimable) === 0n}
                  onClick={() => onWithdraw(e.economy)}
                  aria-label={`Withdraw from ${e.economyName}`}
                >
                  Withdraw…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
