import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useNow } from '../../hooks/useNow';
import type { TokenSeries } from '../../lib/earningsSeries';
import { formatAmount } from '../../lib/money';
import { timeTicks } from '../../lib/timeTicks';

const ms = (t: number) => (t > 1e12 ? t : t * 1000);
const when = (t: number) =>
  new Date(ms(t)).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/** Earned and withdrawn over time for one token, as running totals; the caption says the same in words. */
export function EarningsChart({ series }: { series: TokenSeries }) {
  const { token } = series;
  const number = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  // The totals hold until now: carry the last point to the present so the latest step is drawn.
  const nowS = Math.floor(useNow(60_000));
  const last = series.points[series.points.length - 1];
  const points = last && last.t < nowS ? [...series.points, { ...last, t: nowS }] : series.points;
  // Ticks for the span (seconds apart read to the second), never two with the same label.
  const axis = timeTicks(points[0]?.t ?? nowS, points[points.length - 1]?.t ?? nowS);
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
              ticks={axis.ticks}
              interval={0}
              tickFormatter={axis.format}
              stroke="var(--muted)"
            />
            <YAxis tickFormatter={number} stroke="var(--muted)" width={64} />
            <Tooltip
              labelFormatter={(t) => when(Number(t))}
              formatter={(v) => `${number(Number(v))} ${token.symbol}`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
              wrapperStyle={{ pointerEvents: 'none' }}
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
