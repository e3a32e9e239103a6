/**
 * A whole node (createNode) as a child process for crash.test.ts, which kills it with SIGKILL at random moments and
 * starts it again (see helpers/crashChild.ts for its arguments and keychain). The first run bonds as a validator in
 * the economy named by FLYWHEEL_TEST_JOIN, samples every result and turns checking on; later runs go on because the
 * switch is kept on disk. Prints `ready` once set up.
 */
import { startChildNode } from '../../helpers/crashChild';

const { call } = await startChildNode();
const join = process.env.FLYWHEEL_TEST_JOIN as `0x${string}`;
// Each step is safe to repeat: a kill between them leaves the next run to finish the setup.
const state = (await call('validator.get')) as { on: boolean; economies: { standing: string }[] };
if (!state.economies.some((e) => e.standing === 'active')) {
  await call('validator.join', { economy: join, bond: process.env.FLYWHEEL_TEST_BOND! });
}
if (!state.on) {
  await call('validator.configure', { sampleRate: 1, jobsPerHour: 10_000, maxEngineSharePct: 100 });
  await call('validator.start');
}
process.stdout.write('ready\n');
