import './ProgressBar.css';
/** A labelled progress bar; with `value` null it is indeterminate (the work's length is unknown). */
export function ProgressBar({
  value,
  label,
  detail,
}: {
  /** 0..1, or null when unknown. */
  value: number | null;
  label: string;
  detail?: string;
}) {
  const pct = value === null ? null : Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress">
      <div className="progress-text">
        <span>{label}</span>
        <span className="muted">{detail ?? (pct === null ? '' : `${pct} %`)}</span>
      </div>
      <div
        className={`progress-track${pct === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct === null ? 'working' : `${pct} %`}
      >
        <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}
