import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useNow } from '../../hooks/useNow';
import type { TokenSeries } from '../../lib/earningsSeries';
import { formatAmount } from '../../lib/money';

const ms = (t: number) => (t > 1e12 ? t : t * 1000);
const dateTick = (t: number) =>
  new Date(ms(t)).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
const timeTick = (t: number) =>
  new Date(ms(t)).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const when = (t: number) =>
  new Date(ms(t)).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/** Earned and withdrawn over time for one token, as running totals; the caption says the same in words. */
export function EarningsChart({ series }: { series: TokenSeries }) {
  const { token } = series;
  const number = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  // The totals hold until now: carry the last point to the present so the latest step is drawn.
  const nowS = Math.floor(useNow(60_000));
  const last = series.points[series.points.length - 1];
  const points = last && last.t < nowS ? [...series.points, { ...last, t: nowS }] : series.points;
  const span = points.length > 0 ? points[points.length - 1]!.t - points[0]!.t : 0;
  const tick = span < 2 * 86_400 ? timeTick : dateTick;
  return (
    <figure className="chart" data-testid={`earnings-chart-${token.symbol}`}>
      <figcaption>
        {token.symbol}: {formatAmount(series.earned, token)} earned, {formatAmount(series.withdrawn, token)}{' '}
        withdrawn, over {series.points.length - 1} payouts and withdrawals
      </figcaption>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 600, height: 240 }}>
          <AreaChart data={points} margin={{ top: 8, right: 32, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={tick}
              stroke="var(--muted)"
            />
            <YAxis tickFormatter={number} stroke="var(--muted)" width={64} />
            <Tooltip
              labelFormatter={(t) => when(Number(t))}
              formatter={(v) => `${number(Number(v))} ${token.symbol}`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            />
            <Legend />
            <Area
              type="stepAfter"
              dataKey="earned"
              name="Earned"
              stroke="var(--accent)"
              fill="var(--accent)"
              fillOpacity={0.15}
              isAnimationActive={false}
            />
            <Area
              type="stepAfter"
              dataKey="withdrawn"
              name="Withdrawn"
              stroke="var(--ok)"
              fill="var(--ok)"
              fillOpacity={0.15}
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
