import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FlywheelError } from '#shared/errors';
import { METRICS_TOKEN_FILE, METRICS_TOKEN_FILE_ENV, type MetricsConfig } from './endpoint';
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, isLoopbackHost, readMetricsToken } from './server';

/**
 * The headless shell's metrics flags as a configuration, or null when none was given (the settings decide then).
 * `--metrics-port N` turns the endpoint on; `--metrics-host H` (127.0.0.1 by default) opens it beyond this machine,
 * which needs a token file: `--metrics-token-file`, FLYWHEEL_METRICS_TOKEN_FILE or `<data dir>/metrics-token`. The
 * token is read here, so a bad one stops the start before the node does anything.
 */
export function metricsFlags(
  values: { 'metrics-port'?: string; 'metrics-host'?: string; 'metrics-token-file'?: string },
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): MetricsConfig | null {
  const given = values['metrics-port'] ?? values['metrics-host'] ?? values['metrics-token-file'];
  if (given === undefined) return null;
  const rawPort = values['metrics-port'];
  const port = rawPort === undefined ? DEFAULT_METRICS_PORT : Number(rawPort);
  if (!/^\d{1,5}$/.test(rawPort ?? '0') || !Number.isInteger(port) || port > 65535) {
    throw new FlywheelError(`--metrics-port must be a number from 0 to 65535, not ${rawPort}.`, {
      code: 'BAD_INPUT',
    });
  }
  const host = values['metrics-host'] ?? DEFAULT_METRICS_HOST;
  if (!/^[A-Za-z0-9.:_[\]-]{1,253}$/.test(host)) {
    throw new FlywheelError(
      `--metrics-host must be an IP address or host name, not ${JSON.stringify(host)}.`,
      {
        code: 'BAD_INPUT',
        action:
          'Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine’s addresses.',
      },
    );
  }
  const kept = join(dataDir, METRICS_TOKEN_FILE);
  const tokenFile =
    values['metrics-token-file'] ?? env[METRICS_TOKEN_FILE_ENV] ?? (existsSync(kept) ? kept : undefined);
  if (tokenFile) readMetricsToken(tokenFile);
  else if (!isLoopbackHost(host)) {
    throw new FlywheelError(
      `--metrics-host ${host} needs a token: anyone who can reach the port could read the metrics.`,
      {
        code: 'BAD_INPUT',
        action:
          `Write one to a file only this user can read (\`openssl rand -hex 32 > ${kept} && chmod 600 ${kept}\`), or ` +
          'name one with --metrics-token-file; Prometheus sends it with `authorization: { credentials_file: … }`.',
      },
    );
  }
  return { host, port, ...(tokenFile ? { tokenFile } : {}) };
}
