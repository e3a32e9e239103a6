import type { JobGeneration } from '#shared/api';
import { formatDuration } from '../lib/time';
import './ProgressBar.css';

/** "8.4 tokens/s", "120 tokens/s": a generation speed for people. */
export function formatTokensPerS(rate: number): string {
  return `${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} tokens/s`;
}

/**
 * A text-generation job's progress in its own unit: tokens so far of max_tokens, tokens/s and the time left at that
 * speed — not a percentage, since a stop string or the end of sequence may end it before max_tokens.
 */
export function TextProgress({
  generation,
  etaS,
  label,
}: {
  generation: JobGeneration;
  etaS: number | null;
  label: string;
}) {
  const { tokens, maxTokens, tokensPerS } = generation;
  const parts = [`${tokens} / ${maxTokens} tokens`];
  if (tokensPerS !== null) parts.push(formatTokensPerS(tokensPerS));
  if (etaS !== null && tokens < maxTokens) parts.push(`at most ${formatDuration(etaS)} left`);
  const detail = parts.join(' · ');
  const pct = maxTokens > 0 ? Math.round(Math.min(1, tokens / maxTokens) * 100) : 0;
  return (
    <div className="progress" data-testid="text-progress">
      <div className="progress-text">
        <span>{label}</span>
        <span className="muted">{detail}</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={maxTokens}
        aria-valuenow={tokens}
        aria-valuetext={detail}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
