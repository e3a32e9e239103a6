import { createPublicClient, http } from 'viem';
import { describe, expect, it } from 'vitest';
import { startAnvil } from '../../../src/main/chain/anvil';
import { useAnvil } from '../../helpers/anvil';

describe('anvil launcher', () => {
  const chain = useAnvil({ chainId: 31337 });

  it('starts a real chain on a free loopback port', async () => {
    expect(chain.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    expect(await client.getChainId()).toBe(31337);
    expect(await client.getBlockNumber()).toBe(0n);
  });

  it('says the port is taken, with what to do', async () => {
    await expect(startAnvil({ port: chain.anvil.port })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
