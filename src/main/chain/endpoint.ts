/**
 * The boundary between "a chain is there" and the provider node: whoever knows where the chain is (the devnet once
 * anvil is up and deployed, or the settings for a custom network) hands the node a `NetworkEndpoint`, and
 * `ChainService.connect(endpoint)` does the rest.
 */
import type { Address } from 'viem';
import type { NetworkSettings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';

export type BlobStoreSettings = Extract<NetworkSettings, { kind: 'custom' }>['blobStore'];

export interface NetworkEndpoint {
  /** JSON-RPC over HTTP(S): every read and every transaction. */
  rpcUrl: string;
  /**
   * A WebSocket URL of the same node for new-head subscriptions (anvil serves both on one port). When absent or
   * failing, heads are polled; either way logs are read over `rpcUrl`, so a missed notification loses nothing.
   */
  wsUrl?: string | null;
  chainId: number;
  /** The EconomyFactory: every economy (genesis and forks) is found through it. */
  factory: Address;
  /** "Devnet (local)", "Base Sepolia", … */
  label: string;
  /** The coin gas is paid in ("ETH"). */
  nativeSymbol: string;
  /** Block explorer base URL for `<url>/tx/<hash>` links; null: none. */
  explorerUrl: string | null;
  /** The embedded devnet: short polling, loopback blob URIs allowed. */
  isDevnet: boolean;
  blobStore: BlobStoreSettings;
  /** The factory's deployment block: event scans start here (default 0). */
  startBlock?: bigint;
  /**
   * What one whole token of any economy is worth in the native coin, as a decimal string ("0.001"), for the
   * fee-aware withdraw rule (never spend more gas than a withdrawal pays). There is no market price on a devnet or
   * a new network, so it is a stated assumption, not a quote: the devnet default is {@link DEVNET_NATIVE_PER_TOKEN};
   * null means unknown, and then "withdraw all" withdraws nothing unless forced.
   */
  nativePerToken?: string | null;
}

/** The devnet's stated valuation: 1 token = 0.001 of the native coin (devnet ETH has no price either). */
export const DEVNET_NATIVE_PER_TOKEN = '0.001';

/** The endpoint a custom network in the settings describes. */
export function endpointFromSettings(network: Extract<NetworkSettings, { kind: 'custom' }>): NetworkEndpoint {
  return {
    rpcUrl: network.rpcUrl,
    wsUrl: null,
    chainId: network.chainId,
    factory: network.factory,
    label: network.label,
    nativeSymbol: 'ETH',
    explorerUrl: null,
    isDevnet: false,
    blobStore: network.blobStore,
    nativePerToken: null,
  };
}

/** The ws:// twin of a loopback http:// RPC URL (anvil answers both on one port); null for anything else. */
export function loopbackWsUrl(rpcUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  url.protocol = 'ws:';
  return url.toString();
}

/** Checks an endpoint before anything connects to it. */
export function validateEndpoint(endpoint: NetworkEndpoint): void {
  const problems: string[] = [];
  if (!/^https?:\/\//.test(endpoint.rpcUrl)) problems.push('rpcUrl must be http(s)');
  if (endpoint.wsUrl && !/^wss?:\/\//.test(endpoint.wsUrl)) problems.push('wsUrl must be ws(s)');
  if (!Number.isSafeInteger(endpoint.chainId) || endpoint.chainId <= 0) problems.push('chainId');
  if (!/^0x[0-9a-fA-F]{40}$/.test(endpoint.factory)) problems.push('factory address');
  if (endpoint.nativePerToken != null && !/^\d{1,30}(\.\d{1,18})?$/.test(endpoint.nativePerToken)) {
    problems.push('nativePerToken must be a decimal number');
  }
  if (problems.length) {
    throw new FlywheelError('That network endpoint is not valid.', {
      code: 'BAD_INPUT',
      details: problems.join('; '),
    });
  }
}
