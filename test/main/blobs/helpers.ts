import type { BlobStoreSettings } from '../../../src/main/chain/endpoint';
import { defaultSettings, type Settings } from '../../../src/shared/api/settings';

/**
 * The default settings on a custom network that keeps its blobs in `blobStore`, its chain one nobody answers: for the
 * blob store's tests, which never reach the chain.
 */
export function settingsWithBlobs(blobStore: BlobStoreSettings): Settings {
  return {
    ...structuredClone(defaultSettings),
    network: {
      kind: 'custom',
      label: 'test',
      rpcUrl: 'http://127.0.0.1:1',
      chainId: 1,
      factory: '0x0000000000000000000000000000000000000001',
      blobStore,
    },
  };
}
