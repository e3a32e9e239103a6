/**
 * The demo market's own records (`devnet/market.json`): a counter that names each post (so a restart never posts
 * the same job twice), where the keeper is in each economy's job list, and the reference outputs computed so far.
 * Written atomically, a few times a second at most. (The validators keep their own journals: validator.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../../fs/atomicWrite';
import type { Logger } from '../../log';

const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<`0x${string}`>;

const stateSchema = z
  .object({
    version: z.literal(1),
    /** Posts made so far; the next post's key is `post:<n+1>`. */
    posts: z.number().int().nonnegative(),
    /** Commitments and votes of the validators before they kept journals: read, and dropped. */
    commits: z.unknown().optional(),
    votes: z.unknown().optional(),
    /** Per economy: the highest job id seen, and the ids not final yet. */
    keeper: z.record(z.string(), z.object({ seen: z.number().int(), open: z.array(z.number().int()) })),
    /**
     * `<modelHash>:<inputHash>` → the output the real engine gave for it (its hash), with the app version that ran
     * it: a new version recomputes, in case the output format changed.
     */
    references: z.record(z.string(), z.object({ outputHash: hash, version: z.string() })),
  })
  .strict();

export type MarketState = Omit<z.infer<typeof stateSchema>, 'commits' | 'votes'>;

export class MarketStore {
  readonly state: MarketState;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    log: Logger,
  ) {
    let state: MarketState = { version: 1, posts: 0, keeper: {}, references: {} };
    if (existsSync(file)) {
      try {
        const {
          commits: _commits,
          votes: _votes,
          ...read
        } = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
        state = read;
      } catch (err) {
        // The records are a cache of the chain: start them again, with post keys that cannot repeat old ones.
        state = { ...state, posts: Date.now() };
        log.warn('the demo market’s records could not be read; starting them again', {
          file,
          error: (err as Error).message,
        });
      }
    }
    this.state = state;
  }

  /** Marks the state changed; it is written within 250 ms (coalescing bursts of changes). */
  changed(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, 250);
  }

  /**
   * Writes the state now, changed or not: what is written down before a transaction is sent (a post's counter) must
   * be on disk before it goes out.
   */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    writeFileAtomic(this.file, JSON.stringify(this.state) + '\n');
  }
}
