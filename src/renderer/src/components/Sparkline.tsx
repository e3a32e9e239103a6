import { sparklinePath } from '../lib/sparkline';

/** A small trend line; `label` says in words what it shows (it is an image to assistive tech). */
export function Sparkline({
  values,
  label,
  width = 160,
  height = 36,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <path d={sparklinePath(values, width, height)} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
