/**
 * A whole provider node (createNode: engine, wallet, chain half) as a child process for crash.test.ts, which
 * kills it with SIGKILL at random moments and starts it again (see helpers/crashChild.ts for its arguments and
 * keychain). The first run joins the economy named by FLYWHEEL_TEST_JOIN and turns providing on; later runs go on
 * providing because the switch is kept on disk. Prints `ready` once it takes jobs.
 */
import { startChildNode } from '../../helpers/crashChild';

const { node, call } = await startChildNode();
const join = process.env.FLYWHEEL_TEST_JOIN as `0x${string}` | undefined;
if (join) {
  // Each step is safe to repeat: a kill between them leaves the next run to finish the setup.
  const economy = (await call('economies.get', { economy: join })) as { membership: { status: string } };
  if (economy.membership.status === 'none') {
    await call('provider.join', { economy: join, bond: process.env.FLYWHEEL_TEST_BOND! });
  }
  if (node.onchain.provider.state().status === 'stopped') await call('provider.start', {});
}
process.stdout.write('ready\n');
