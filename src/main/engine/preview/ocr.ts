/**
 * Greedy CTC decoding for PP-OCR recognition output [batch, T, classes]: the best class per time step, repeats
 * collapsed, blanks dropped. Class 0 is the blank, classes 1…K the lines of the dictionary, K+1 a space.
 *
 * With `probabilities` (each step's row is a softmax: non-negative, summing to 1), a class above one half is the
 * best of its step, so the scan of that step stops there; the blank comes first and wins most steps, so most rows are
 * read no further than their first value. The margin covers float32 rounding in a sum over thousands of classes.
 */
export function ctcDecode(
  probs: Float32Array,
  shape: readonly number[],
  keys: readonly string[],
  options: { probabilities?: boolean } = {},
): string[] {
  const [batch = 0, steps = 0, classes = 0] = shape;
  if (shape.length !== 3 || classes !== keys.length + 2) {
    throw new Error(`CTC output shape ${JSON.stringify(shape)} does not fit a ${keys.length}-key dictionary`);
  }
  const sure = options.probabilities ? 0.501 : Infinity;
  const lines: string[] = [];
  for (let b = 0; b < batch; b++) {
    let text = '';
    let previous = -1;
    for (let t = 0; t < steps; t++) {
      const base = (b * steps + t) * classes;
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < classes; c++) {
        const v = probs[base + c]!;
        if (v > bestValue) {
          bestValue = v;
          best = c;
          if (v > sure) break;
        }
      }
      if (best !== previous && best !== 0) text += best === classes - 1 ? ' ' : keys[best - 1];
      previous = best;
    }
    lines.push(text);
  }
  return lines;
}

/** The dictionary file: one character per line (the last line has no newline). */
export function parseKeys(text: string): string[] {
  return text.replace(/\r/g, '').replace(/\n$/, '').split('\n');
}
