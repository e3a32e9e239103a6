import type { EarningsEvent, EconomyEarnings } from '#shared/api';
import { Amount } from '../../components/Amount';
import { formatDateTime } from '../../lib/time';

/** What each kind of credit or debit is, in words. */
export function historyLabel(ev: EarningsEvent): string {
  const job = ev.jobId !== null ? ` (job ${ev.jobId})` : '';
  switch (ev.kind) {
    case 'fee':
      return `Fee${job}`;
    case 'emission':
      return 'Emission credited to your bond';
    case 'forfeit':
      return 'Emission given up by a missed deadline or a rejected result';
    case 'allocation':
      return 'Fork allocation claimed';
    case 'withdrawal':
      return 'Withdrawn';
    case 'slash':
      return `Slashed${job}`;
  }
}

/** The latest credits and debits, newest first, each in its economy's token. */
export function EarningsHistory({
  history,
  economies,
  limit = 12,
}: {
  history: EarningsEvent[];
  economies: EconomyEarnings[];
  limit?: number;
}) {
  const byId = new Map(economies.map((e) => [e.economy.toLowerCase(), e]));
  const latest = [...history].sort((a, b) => b.block - a.block || b.t - a.t).slice(0, limit);
  return (
    <ul className="tx-list" data-testid="earnings-history">
      {latest.map((ev) => {
        const economy = byId.get(ev.economy.toLowerCase());
        return (
          <li key={`${ev.txHash}:${ev.kind}:${ev.amount}`}>
            <span className="muted small">{formatDateTime(ev.t)}</span> {historyLabel(ev)}
            {economy && (
              <>
                {' · '}
                <span className={ev.kind === 'slash' || ev.kind === 'forfeit' ? 'text-error' : undefined}>
                  <Amount value={ev.amount} token={economy.token} />
                </span>{' '}
                <span className="muted small">in {economy.economyName}</span>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
