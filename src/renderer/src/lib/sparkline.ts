/**
 * An SVG polyline path through values, scaled into a width × height box with `pad` pixels of headroom. `range`
 * fixes the vertical scale (so another line can share the axis); by default it spans the values.
 */
export function sparklinePath(
  values: readonly number[],
  width: number,
  height: number,
  pad = 2,
  range?: readonly [number, number],
): string {
  if (values.length === 0) return '';
  const [min, max] = range ?? [Math.min(...values), Math.max(...values)];
  const span = max - min || 1;
  const stepX = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? pad + i * stepX : width / 2;
      const y = height - pad - ((v - min) / span) * (height - pad * 2);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}
