/**
 * Ticks for a time axis, chosen for the span: a round step (seconds to weeks) that gives at most `max` ticks, and a
 * label precise enough that no two ticks read the same ("18:44:05" for seconds apart, "18:44" for minutes, "Dec 4"
 * for days). Times are unix seconds.
 */
const STEPS_S = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800,
  604_800, 1_209_600, 2_592_000,
];

export interface TimeTicks {
  ticks: number[];
  /** The step between ticks, seconds. */
  stepS: number;
  format: (t: number) => string;
}

export function timeTicks(fromS: number, toS: number, max = 6): TimeTicks {
  const span = Math.max(0, toS - fromS);
  const stepS = STEPS_S.find((s) => span / s <= max - 1) ?? STEPS_S[STEPS_S.length - 1]!;
  // Steps of a day or more align to local midnight; shorter ones to the step in local time.
  const offsetS = new Date(fromS * 1000).getTimezoneOffset() * 60;
  const align = (t: number) => Math.ceil((t - offsetS) / stepS) * stepS + offsetS;
  const ticks: number[] = [];
  for (let t = align(fromS); t <= toS; t += stepS) ticks.push(t);
  if (ticks.length === 0) ticks.push(fromS);
  return { ticks, stepS, format: formatFor(stepS, span) };
}

function formatFor(stepS: number, spanS: number): (t: number) => string {
  const d = (t: number) => new Date(t * 1000);
  if (stepS < 60)
    return (t) =>
      d(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (stepS < 86_400) {
    const time = (t: number) => d(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    if (spanS < 86_400) return time;
    // Over more than a day: the date where it changes helps, but keep the label short.
    return (t) => `${d(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time(t)}`;
  }
  return (t) => d(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
