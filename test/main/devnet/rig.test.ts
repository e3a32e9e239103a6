/**
 * A rig joining the devnet another data folder serves (FLYWHEEL_DEVNET_DIR) never starts one there: with nothing
 * served it says so and leaves that folder as it was. Joining a served one, taking its jobs and being steered from
 * a Fleet page is played end to end in test/e2e/fleet.spec.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../../src/main/devnet/devnet';
import { LogSink } from '../../../src/main/log';
import { FlywheelError } from '../../../src/shared/errors';
import { tempDir } from '../../helpers/tmp';
import { rejectionOf } from '../../helpers/rejection';

const served = tempDir('flywheel-devnet-served-');
const rig = tempDir('flywheel-devnet-rig-');
afterAll(() => {
  served.cleanup();
  rig.cleanup();
});

describe('a rig on another folder’s devnet', () => {
  it('refuses to start a devnet in the serving folder when none runs there, and says what to do', async () => {
    const devnet = new Devnet({
      dataDir: served.dir,
      rigDir: rig.dir,
      owner: 'node',
      log: new LogSink({ consoleLevel: 'silent' }).logger('devnet'),
      blobs: {} as never,
    });
    const err = await rejectionOf(devnet.start(), FlywheelError);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.shortMessage).toBe(`The devnet of ${served.dir} is not running.`);
    expect(err.action).toMatch(/FLYWHEEL_DEVNET_DIR/);
    expect(devnet.owned).toBe(false);
    // Nothing was started or written in the serving folder.
    expect(existsSync(join(served.dir, 'devnet', 'running.json'))).toBe(false);
    expect(existsSync(join(served.dir, 'devnet', 'anvil-state.json'))).toBe(false);
    expect(readdirSync(served.dir)).toEqual([]);
  });
});
