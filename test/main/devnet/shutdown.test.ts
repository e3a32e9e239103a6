import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devnetLayout } from '../../../src/main/devnet/layout';
import { processAlive, readRunning } from '../../../src/main/devnet/running';
import { createNode, type FlywheelNode } from '../../../src/main/node';
import { until } from '../../helpers/chain';
import { tempDir } from '../../helpers/tmp';
import { devnetIn } from './helpers';

/** The live anvil processes whose command line names this state file (anvil runs in its own process group). */
function anvilsServing(stateFile: string): string[] {
  return execFileSync('ps', ['-A', '-ww', '-o', 'args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /anvil/.test(line) && line.includes(stateFile));
}

/** Runs `body` with a node that runs its own devnet, over a fresh data folder that is removed after it. */
async function withDevnetNode(body: (node: FlywheelNode, dataDir: string) => Promise<void>): Promise<void> {
  const temp = tempDir('flywheel-devnet-close-');
  try {
    const node = await createNode({
      dataDir: temp.dir,
      shell: 'headless',
      consoleLogLevel: 'silent',
      heartbeatMs: 60_000,
      devnet: 'run',
    });
    await body(node, temp.dir);
  } finally {
    temp.cleanup();
  }
}

describe('closing a node while its devnet is still deploying', { timeout: 60_000 }, () => {
  it('stops anvil at once (a slow shutdown would be killed and leave anvil running)', () =>
    withDevnetNode(async (node, dataDir) => {
      const layout = devnetLayout(dataDir);
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
    }));

  it('closed the moment it starts, it stops at once and leaves no anvil behind', () =>
    withDevnetNode(async (node, dataDir) => {
      // Not after waiting for a whole first deploy (seconds): a shell that slow to stop would be killed.
      const started = Date.now();
      await node.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(anvilsServing(devnetLayout(dataDir).stateFile)).toEqual([]);
    }));

  it('closed while its chain is starting, it leaves no anvil behind', () =>
    withDevnetNode(async (node, dataDir) => {
      await until('the devnet to start its chain', () => node.devnet.devnet !== null, 30_000);
      await node.close();
      expect(anvilsServing(devnetLayout(dataDir).stateFile)).toEqual([]);
    }));

  it('a devnet stopped while its anvil is starting stops that anvil and says the start ended', async () => {
    const temp = tempDir('flywheel-devnet-close-');
    try {
      const devnet = await devnetIn(temp.dir);
      const starting = devnet.start();
      await devnet.stop();
      await expect(starting).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(anvilsServing(devnet.layout.stateFile)).toEqual([]);
      expect(readRunning(devnet.layout.runningFile)).toBeNull();
    } finally {
      temp.cleanup();
    }
  });
});
