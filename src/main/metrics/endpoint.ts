import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Settings } from '#shared/api/settings';
import type { Logger } from '../log';
import { readMetricsToken, startMetricsServer, type MetricsServer } from './server';

/** The token file the endpoint reads when none is named: `<data dir>/metrics-token`, mode 0600. */
export const METRICS_TOKEN_FILE = 'metrics-token';
export const METRICS_TOKEN_FILE_ENV = 'FLYWHEEL_METRICS_TOKEN_FILE';

export interface MetricsConfig {
  host: string;
  port: number;
  /** A file holding the bearer token; default FLYWHEEL_METRICS_TOKEN_FILE, else `<data dir>/metrics-token` if present. */
  tokenFile?: string;
}

export interface MetricsEndpointOptions {
  registry: Registry;
  settings: { get(): Settings; onChange(listener: (s: Settings) => void): () => void };
  dataDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * Whether and where the node serves `/metrics`: as the settings say (`metrics.enabled`, host, port), or as the
 * headless shell's flags say once it calls `serve` (the settings then no longer move it). Off by default.
 */
export class MetricsEndpoint {
  readonly #o: MetricsEndpointOptions;
  #server: MetricsServer | null = null;
  #error: string | null = null;
  #pinned = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  #last = '';
  readonly #off: () => void;

  constructor(options: MetricsEndpointOptions) {
    this.#o = options;
    this.#off = options.settings.onChange((s) => this.#follow(s));
    this.#follow(options.settings.get());
  }

  /** The URL it serves on, or null when off; `error` says why it is not serving when it should. */
  state(): { url: string | null; authenticated: boolean; error: string | null } {
    return {
      url: this.#server?.url ?? null,
      authenticated: this.#server?.authenticated ?? false,
      error: this.#error,
    };
  }

  /** Serves with this configuration from now on (the headless flags); throws, in words, when it cannot. */
  serve(config: MetricsConfig): Promise<MetricsServer> {
    this.#pinned = true;
    return this.#enqueue(async () => {
      await this.#stop();
      return this.#start(config);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#off();
    await this.#enqueue(() => this.#stop());
  }

  #follow(s: Settings): void {
    if (this.#pinned || this.#closed) return;
    const key = JSON.stringify(s.metrics);
    if (key === this.#last) return;
    this.#last = key;
    const { enabled, host, port } = s.metrics;
    void this.#enqueue(async () => {
      await this.#stop();
      if (!enabled || this.#pinned || this.#closed) return;
      await this.#start({ host, port }).catch((err: Error) => {
        this.#o.log.warn('the metrics endpoint did not start', { error: err.message });
      });
    });
  }

  async #start(config: MetricsConfig): Promise<MetricsServer> {
    try {
      const tokenFile = this.#tokenFile(config.tokenFile);
      this.#server = await startMetricsServer({
        registry: this.#o.registry,
        host: config.host,
        port: config.port,
        token: tokenFile ? readMetricsToken(tokenFile) : null,
        log: this.#o.log,
      });
      this.#error = null;
      return this.#server;
    } catch (err) {
      this.#error = (err as Error).message;
      throw err;
    }
  }

  #tokenFile(given: string | undefined): string | null {
    if (given) return given;
    const env = (this.#o.env ?? process.env)[METRICS_TOKEN_FILE_ENV];
    if (env) return env;
    const kept = join(this.#o.dataDir, METRICS_TOKEN_FILE);
    return existsSync(kept) ? kept : null;
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#error = null;
    await server?.close();
  }

  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
