import { useEffect, useRef } from 'react';
import type { OutputPreview as Preview } from '#shared/api';
import { sparklinePath } from '../../lib/sparkline';

/**
 * A short look at what the GPU produced: recognised text, the text regions a detector found, speech segments on a
 * timeline, a loss curve, tensors.
 */
export function OutputPreview({ preview }: { preview: Preview }) {
  switch (preview.kind) {
    case 'ocr':
      return <OcrText text={preview.text} />;
    case 'text-regions':
      return <TextRegions preview={preview} />;
    case 'vad':
      return <VadTimeline durationS={preview.durationS} segments={preview.segments} />;
    case 'fine-tune':
      return <LossCurve losses={preview.lossCurve} evalLoss={preview.evalLoss} />;
    case 'tensors':
      return <TensorTable tensors={preview.tensors} />;
  }
}

function OcrText({ text }: { text: string }) {
  return (
    <figure className="preview">
      <figcaption>Recognised text</figcaption>
      <pre className="ocr-text" data-testid="ocr-text">
        {text || '(no text found)'}
      </pre>
    </figure>
  );
}

type TextRegionsPreview = Extract<Preview, { kind: 'text-regions' }>;

/** The detector's probability map as a heat map, with the text regions boxed on it. */
function TextRegions({ preview }: { preview: TextRegionsPreview }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { grid, boxes, width, height } = preview;
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const style = getComputedStyle(canvas.current!);
    const accent = style.getPropertyValue('--accent').trim() || '#2f6feb';
    const box = style.getPropertyValue('--ok').trim() || '#1a7f37';
    const cells = Uint8Array.from(atob(grid.cells), (c) => c.charCodeAt(0));
    const cw = width / grid.cols;
    const ch = height / grid.rows;
    context.clearRect(0, 0, width, height);
    context.fillStyle = accent;
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.cols; c++) {
        const v = cells[r * grid.cols + c]!;
        if (v === 0) continue;
        context.globalAlpha = v / 255;
        context.fillRect(c * cw, r * ch, cw + 0.5, ch + 0.5);
      }
    }
    context.globalAlpha = 1;
    context.strokeStyle = box;
    context.lineWidth = Math.max(1, width / 300);
    for (const b of boxes) context.strokeRect(b.x, b.y, b.width, b.height);
  }, [grid, boxes, width, height]);
  const regions = `${boxes.length} text ${boxes.length === 1 ? 'region' : 'regions'}`;
  return (
    <figure className="preview">
      <figcaption>
        Text found: {regions} in the {width} × {height} image (probability ≥ {preview.threshold})
      </figcaption>
      <canvas
        ref={canvas}
        className="text-regions"
        width={width}
        height={height}
        role="img"
        aria-label={`Text probability map of ${width} × ${height} pixels with ${regions}${
          boxes.length ? `: ${boxes.map((b) => `${b.width} × ${b.height} at ${b.x}, ${b.y}`).join('; ')}` : ''
        }`}
        data-testid="text-regions"
      />
    </figure>
  );
}

const fmtS = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;

/** Speech segments drawn on the clip's timeline, with the same segments listed for screen readers. */
export function VadTimeline({
  durationS,
  segments,
}: {
  durationS: number;
  segments: { startS: number; endS: number }[];
}) {
  const width = 600;
  const height = 40;
  // Rounded to a tenth of a pixel: more digits draw nothing and only bloat the SVG.
  const scale = (s: number) =>
    durationS > 0 ? Math.round((Math.min(Math.max(s, 0), durationS) / durationS) * width * 10) / 10 : 0;
  const speech = segments.reduce((sum, seg) => sum + Math.max(0, seg.endS - seg.startS), 0);
  const ticks = Array.from({ length: 5 }, (_, i) => (durationS * i) / 4);
  return (
    <figure className="preview">
      <figcaption>
        Speech found: {segments.length} {segments.length === 1 ? 'segment' : 'segments'}, {fmtS(speech)} of{' '}
        {fmtS(durationS)}
      </figcaption>
      <svg
        className="vad"
        viewBox={`0 0 ${width} ${height + 14}`}
        role="img"
        aria-label={`Timeline of ${fmtS(durationS)} with speech at ${
          segments.map((s) => `${fmtS(s.startS)} to ${fmtS(s.endS)}`).join(', ') || 'no point'
        }`}
        data-testid="vad-timeline"
      >
        <rect className="vad-track" x={0} y={0} width={width} height={height} rx={4} />
        {segments.map((seg) => (
          <rect
            key={`${seg.startS}-${seg.endS}`}
            className="vad-speech"
            x={scale(seg.startS)}
            y={0}
            width={Math.max(1, Math.round((scale(seg.endS) - scale(seg.startS)) * 10) / 10)}
            height={height}
          />
        ))}
        {ticks.map((t, i) => (
          <text
            key={t}
            className="axis-label"
            x={scale(t)}
            y={height + 12}
            textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
          >
            {fmtS(t)}
          </text>
        ))}
      </svg>
    </figure>
  );
}

/**
 * A loss for a label that has little room: three significant digits, in exponent form when tiny or huge
 * ("1.19e-5", not "0.0000119", which an axis would cut to "000119").
 */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5))
    return v
      .toExponential(2)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return v.toPrecision(3);
}

/** The training loss over steps, with the final evaluation loss as a dashed line on the same axis. */
export function LossCurve({ losses, evalLoss }: { losses: number[]; evalLoss: number }) {
  const width = 600;
  const height = 160;
  const axis = 64; // room on the left for the axis labels (at most 7 characters: "1.19e-5")
  const pad = 6;
  const all = [...losses, evalLoss];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const y = (v: number) => height - pad - ((v - min) / (max - min || 1)) * (height - pad * 2);
  const first = losses[0];
  const last = losses[losses.length - 1];
  return (
    <figure className="preview">
      <figcaption>
        Fine-tune loss over {losses.length} steps
        {first !== undefined && last !== undefined && (
          <>
            : {shortNumber(first)} → {shortNumber(last)}
          </>
        )}{' '}
        · eval loss {shortNumber(evalLoss)}
      </figcaption>
      <svg
        className="loss"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Loss curve from ${first === undefined ? '—' : shortNumber(first)} to ${last === undefined ? '—' : shortNumber(last)}; evaluation loss ${shortNumber(evalLoss)}`}
        data-testid="loss-curve"
      >
        <line className="loss-axis" x1={axis} x2={axis} y1={pad} y2={height - pad} />
        <line className="loss-eval" x1={axis} x2={width} y1={y(evalLoss)} y2={y(evalLoss)} />
        <g transform={`translate(${axis},0)`}>
          <path
            d={sparklinePath(losses, width - axis, height, pad, [min, max])}
            className="loss-line"
            fill="none"
          />
        </g>
        <text className="axis-label" x={axis - 6} y={pad + 4} textAnchor="end">
          {shortNumber(max)}
        </text>
        <text className="axis-label" x={axis - 6} y={height - pad} textAnchor="end">
          {shortNumber(min)}
        </text>
      </svg>
    </figure>
  );
}

function TensorTable({ tensors }: { tensors: { name: string; dtype: string; shape: number[] }[] }) {
  return (
    <table className="table compact">
      <caption>Output tensors</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Shape</th>
        </tr>
      </thead>
      <tbody>
        {tensors.map((t) => (
          <tr key={t.name}>
            <td>
              <code>{t.name}</code>
            </td>
            <td>{t.dtype}</td>
            <td>[{t.shape.join(' × ')}]</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
