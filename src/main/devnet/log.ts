import { join } from 'node:path';
import { LogSink, type Logger } from '../log';

/**
 * The devnet's chatter (every transaction of the demo market's accounts) goes to `logs/devnet.log` only; warnings
 * and errors also reach the node's log, where the user sees them.
 */
export function devnetLogger(nodeLog: Logger, dataDir: string): Logger {
  const sink = new LogSink({ file: join(dataDir, 'logs', 'devnet.log'), consoleLevel: 'silent', keep: 1 });
  const wrap = (file: Logger, node: Logger): Logger => ({
    debug: (m, f) => file.debug(m, f),
    info: (m, f) => file.info(m, f),
    warn: (m, f) => {
      file.warn(m, f);
      node.warn(m, f);
    },
    error: (m, f) => {
      file.error(m, f);
      node.error(m, f);
    },
    child: (scope) => wrap(file.child(scope), node.child(scope)),
  });
  return wrap(sink.logger('devnet'), nodeLog);
}
