export interface SpeechSegment {
  startS: number;
  endS: number;
}

export interface SegmentOptions {
  sampleRate: number;
  /** Samples per probability. */
  frame: number;
  /** Speech starts at or above this probability… */
  threshold: number;
  /** …and ends after this much time below `threshold - 0.15`. */
  minSilenceS?: number;
  /** Shorter segments are dropped as clicks. */
  minSpeechS?: number;
}

/**
 * Speech segments from per-frame speech probabilities, with hysteresis so that short dips inside a word do not
 * split it (the same scheme as Silero's own `get_speech_timestamps`, simplified).
 */
export function speechSegments(probs: ArrayLike<number>, options: SegmentOptions): SpeechSegment[] {
  const frameS = options.frame / options.sampleRate;
  const low = options.threshold - 0.15;
  const minSilence = Math.max(1, Math.round((options.minSilenceS ?? 0.1) / frameS));
  const minSpeech = Math.max(1, Math.round((options.minSpeechS ?? 0.1) / frameS));
  const segments: SpeechSegment[] = [];
  let start = -1;
  let quietSince = -1;
  const close = (endFrame: number) => {
    if (endFrame - start >= minSpeech) segments.push({ startS: start * frameS, endS: endFrame * frameS });
    start = -1;
    quietSince = -1;
  };
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (start < 0) {
      if (p >= options.threshold) start = i;
      continue;
    }
    if (p >= low) {
      quietSince = -1;
    } else {
      if (quietSince < 0) quietSince = i;
      if (i + 1 - quietSince >= minSilence) close(quietSince);
    }
  }
  if (start >= 0) close(quietSince >= 0 ? quietSince : probs.length);
  return segments.map((s) => ({ startS: round3(s.startS), endS: round3(s.endS) }));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
