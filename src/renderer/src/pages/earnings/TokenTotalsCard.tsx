import type { TokenTotals } from '#shared/api';
import { Amount } from '../../components/Amount';
import { formatAmount, shareOf, sumAmounts, toBigInt } from '../../lib/money';

/** One token's totals across its economies: pending vs claimable vs withdrawn as one bar, and the figures. */
export function TokenTotalsCard({ totals }: { totals: TokenTotals }) {
  const { token } = totals;
  const whole = sumAmounts([totals.pending, totals.claimable, totals.withdrawn]);
  const parts = [
    {
      id: 'pending',
      label: 'Pending',
      value: totals.pending,
      hint: 'results still inside their challenge window',
    },
    { id: 'claimable', label: 'Claimable', value: totals.claimable, hint: 'paid to you, ready to withdraw' },
    {
      id: 'withdrawn',
      label: 'Withdrawn',
      value: totals.withdrawn,
      hint: 'already sent to your payout address',
    },
  ];
  return (
    <section
      className="card totals"
      aria-label={`${token.symbol} totals`}
      data-testid={`totals-${token.symbol}`}
    >
      <header className="card-header">
        <h2>{token.symbol}</h2>
        <span className="muted">{token.name}</span>
      </header>
      <div className="big-amount">
        <Amount value={totals.claimable} token={token} />
        <span className="muted small">claimable now</span>
      </div>
      {totals.pendingEmission !== undefined && toBigInt(totals.pendingEmission) > 0n && (
        <p className="muted small" data-testid="claimable-emission">
          Of which <Amount value={totals.pendingEmission} token={token} /> is emission accrued since the last
          settlement: it keeps growing while you serve and is claimed when you withdraw.
        </p>
      )}
      <div
        className="stacked-bar"
        role="img"
        aria-label={parts.map((p) => `${p.label} ${formatAmount(p.value, token)}`).join(', ')}
      >
        {parts.map((p) => (
          <div
            key={p.id}
            className={`seg seg-${p.id}`}
            style={{ width: `${(shareOf(p.value, whole) * 100).toFixed(2)}%` }}
          />
        ))}
      </div>
      <dl className="facts">
        {parts.map((p) => (
          <div key={p.id} className="fact-row">
            <dt>
              <span className={`swatch seg-${p.id}`} aria-hidden="true" /> {p.label}
            </dt>
            <dd>
              <Amount value={p.value} token={token} /> <span className="muted small">{p.hint}</span>
            </dd>
          </div>
        ))}
        <div className="fact-row">
          <dt>Bonded</dt>
          <dd>
            <Amount value={totals.bonded} token={token} />
          </dd>
        </div>
        <div className="fact-row">
          <dt>Lifetime</dt>
          <dd>
            <Amount value={totals.lifetime} token={token} />
          </dd>
        </div>
      </dl>
    </section>
  );
}
