import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devnetLayout } from '../../../src/main/devnet/layout';
import { processAlive, readRunning } from '../../../src/main/devnet/running';
import { createNode } from '../../../src/main/node';
import { until } from '../../helpers/chain';
import { tempDir } from '../../helpers/tmp';

describe('closing a node while its devnet is still deploying', () => {
  it('stops anvil at once (a slow shutdown would be killed and leave anvil running)', async () => {
    const temp = tempDir('flywheel-devnet-close-');
    try {
      const node = await createNode({
        dataDir: temp.dir,
        shell: 'headless',
        consoleLogLevel: 'silent',
        heartbeatMs: 60_000,
        devnet: 'run',
      });
      const layout = devnetLayout(temp.dir);
      // Mid-deploy: anvil runs, the factory and genesis are in, the models are going in.
      await until('the models to be registered', () => node.status().phase.id === 'models', 30_000);
      const anvilPid = readRunning(layout.runningFile)!.anvilPid;
      const started = Date.now();
      await node.close();
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(processAlive(anvilPid)).toBe(false);
      expect(readRunning(layout.runningFile)).toBeNull();
      // The unfinished first start is resumed (or begun again) next time, never half-trusted.
      expect(JSON.parse(readFileSync(layout.bookFile, 'utf8')).status).toBe('deploying');
    } finally {
      temp.cleanup();
    }
  }, 60_000);
});
