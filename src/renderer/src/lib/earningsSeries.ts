/**
 * Earnings history turned into chart series: per token, the running totals of what was earned (fees, emissions,
 * fork allocations, less slashes) and what was withdrawn, one point per event. Sums are bigint; only the plotted
 * values become floats (see toChartNumber).
 */
import type { EarningsEvent, EarningsReport, TokenInfo } from '#shared/api';
import type { Address } from '#shared/api/define';
import { toBigInt, toChartNumber } from './money';

export interface SeriesPoint {
  t: number;
  earned: number;
  withdrawn: number;
}

export interface TokenSeries {
  token: TokenInfo;
  points: SeriesPoint[];
  /** Exact final totals (base units), for the labels next to the chart. */
  earned: bigint;
  withdrawn: bigint;
}

function tokenKey(token: TokenInfo): string {
  return token.address.toLowerCase();
}

export function earningsSeries(report: EarningsReport): TokenSeries[] {
  const tokenOf = new Map<Address, TokenInfo>();
  for (const e of report.economies) tokenOf.set(e.economy.toLowerCase() as Address, e.token);
  const out = new Map<string, TokenSeries>();
  const events = [...report.history].sort((a, b) => a.t - b.t || a.block - b.block);
  for (const ev of events) {
    // Emission given up before it was ever credited was never part of what was earned: no point for it.
    if (ev.kind === 'forfeit') continue;
    const token = tokenOf.get(ev.economy.toLowerCase() as Address);
    if (!token) continue;
    let series = out.get(tokenKey(token));
    if (!series) {
      // Each series starts from zero at its first event, so a single payout still draws as a step.
      series = { token, points: [{ t: ev.t, earned: 0, withdrawn: 0 }], earned: 0n, withdrawn: 0n };
      out.set(tokenKey(token), series);
    }
    applyEvent(series, ev);
    series.points.push({
      t: ev.t,
      earned: toChartNumber(series.earned, token.decimals),
      withdrawn: toChartNumber(series.withdrawn, token.decimals),
    });
  }
  return [...out.values()];
}

function applyEvent(series: TokenSeries, ev: EarningsEvent): void {
  const amount = toBigInt(ev.amount);
  switch (ev.kind) {
    case 'fee':
    case 'emission':
    case 'allocation':
      series.earned += amount;
      break;
    case 'slash':
      series.earned -= amount;
      break;
    case 'withdrawal':
      series.withdrawn += amount;
      break;
  }
}
