import { useState } from 'react';
import type { EarningsReport } from '#shared/api';
import type { Address } from '#shared/api/define';
import { Card, Empty, Loaded } from '../components/feedback';
import { PayoutAddressForm } from '../components/PayoutAddressForm';
import { useLive } from '../lib/api';
import { earningsSeries } from '../lib/earningsSeries';
import { toBigInt } from '../lib/money';
import { EarningsChart } from './earnings/EarningsChart';
import { EarningsHistory } from './earnings/EarningsHistory';
import { EconomyEarningsTable } from './earnings/EconomyEarningsTable';
import { TokenTotalsCard } from './earnings/TokenTotalsCard';
import { WithdrawPanel } from './earnings/WithdrawPanel';
import { ValidationEarnings } from './validate/ValidationEarnings';
import './Earnings.css';

/** What each economy paid, in total per token, over time; withdrawing, and where withdrawals go. */
export function Earnings() {
  const report = useLive('earnings.get', {}, 'earnings.changed');
  return (
    <Loaded state={report} loadingLabel="Loading earnings…">
      {(r) => <EarningsView report={r} />}
    </Loaded>
  );
}

function EarningsView({ report }: { report: EarningsReport }) {
  const [withdrawing, setWithdrawing] = useState<Address | 'all' | null>(null);
  const series = earningsSeries(report);
  const anyClaimable = report.economies.some((e) => toBigInt(e.claimable) > 0n);
  if (report.economies.length === 0) {
    return (
      <div className="stack">
        <Empty>
          No earnings yet. Join an economy and switch on Provide GPU: fees arrive as your results finalize,
          and emission accrues to your bond while you are active.
        </Empty>
        <ValidationEarnings />
        <Card title="Payout">
          <PayoutAddressForm current={report.payoutAddress} />
        </Card>
      </div>
    );
  }
  return (
    <div className="stack">
      <div className="grid">
        {report.totals.map((t) => (
          <TokenTotalsCard key={t.token.address} totals={t} />
        ))}
      </div>
      {withdrawing && (
        <WithdrawPanel
          key={withdrawing}
          target={withdrawing}
          economies={report.economies}
          onClose={() => setWithdrawing(null)}
        />
      )}
      <Card
        title="Per economy"
        actions={
          <button
            type="button"
            className="primary"
            disabled={!anyClaimable || withdrawing !== null}
            onClick={() => setWithdrawing('all')}
          >
            Withdraw all…
          </button>
        }
      >
        <EconomyEarningsTable
          economies={report.economies}
          busy={withdrawing !== null}
          onWithdraw={(id) => setWithdrawing(id)}
        />
      </Card>
      <ValidationEarnings />
      <Card title="Over time">
        {series.length === 0 ? (
          <Empty>No payouts yet: the chart starts with the first fee or emission.</Empty>
        ) : (
          series.map((s) => <EarningsChart key={s.token.address} series={s} />)
        )}
      </Card>
      {report.history.length > 0 && (
        <Card title="History">
          <EarningsHistory history={report.history} economies={report.economies} />
        </Card>
      )}
      <Card title="Payout">
        <PayoutAddressForm current={report.payoutAddress} />
      </Card>
    </div>
  );
}
