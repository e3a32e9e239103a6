/** Durations and times for people. */

import { formatDuration } from '#shared/time';

export { formatDuration };

/** Milliseconds: "850 ms", "1.2 s", "2 min 3 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return formatDuration(ms / 1000);
}

/** "in 4 min 10 s" / "12 s ago" / "now", from unix seconds relative to `nowS`. */
export function formatRelative(targetS: number, nowS: number): string {
  const diff = Math.round(targetS - nowS);
  if (diff === 0) return 'now';
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(-diff)} ago`;
}

/**
 * A date and time to the second in the user's locale, from unix seconds or milliseconds (values above 1e12 are
 * ms): a job's steps, slashes and payouts are seconds apart, so minutes alone would show them all at one time.
 */
export function formatDateTime(t: number): string {
  const ms = t > 1e12 ? t : t * 1000;
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** An ISO 8601 timestamp for a `<time dateTime>` attribute. */
export function isoTime(t: number): string {
  return new Date(t > 1e12 ? t : t * 1000).toISOString();
}

/** Unix seconds from a timestamp that may be in seconds or milliseconds. */
export function toSeconds(t: number): number {
  return t > 1e12 ? Math.floor(t / 1000) : t;
}
