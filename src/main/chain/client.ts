import { createPublicClient, defineChain, http, webSocket, type Chain, type PublicClient } from 'viem';
import type { NetworkEndpoint } from './endpoint';

/** How often viem polls (receipts, filters) on this network: ~20 ms on the devnet, where blocks are instant. */
export function pollingIntervalMs(endpoint: NetworkEndpoint): number {
  return endpoint.isDevnet ? 20 : 1_000;
}

/** The viem chain object for an endpoint (name and native coin for viem's formatting; no hard-coded chain list). */
export function chainOf(endpoint: NetworkEndpoint): Chain {
  return defineChain({
    id: endpoint.chainId,
    name: endpoint.label,
    nativeCurrency: { name: endpoint.nativeSymbol, symbol: endpoint.nativeSymbol, decimals: 18 },
    rpcUrls: {
      default: { http: [endpoint.rpcUrl], ...(endpoint.wsUrl ? { webSocket: [endpoint.wsUrl] } : {}) },
    },
  });
}

/**
 * The public client every read, simulation and receipt goes through. Concurrent requests are batched into one
 * JSON-RPC call (fewer round trips when the job loop reads many jobs at once); transient failures are retried by
 * viem here and again, with the caller's own backoff, where it matters (tx manager, sync).
 */
export function createChainClient(endpoint: NetworkEndpoint): PublicClient {
  return createPublicClient({
    chain: chainOf(endpoint),
    transport: http(endpoint.rpcUrl, {
      batch: { wait: 0 },
      retryCount: 3,
      retryDelay: endpoint.isDevnet ? 30 : 250,
      timeout: endpoint.isDevnet ? 5_000 : 20_000,
    }),
    pollingInterval: pollingIntervalMs(endpoint),
    cacheTime: 0,
  }) as PublicClient;
}

/** A client over the endpoint's WebSocket, for new-head subscriptions only; null when it has none. */
export function createHeadsClient(endpoint: NetworkEndpoint): PublicClient | null {
  if (!endpoint.wsUrl) return null;
  return createPublicClient({
    chain: chainOf(endpoint),
    transport: webSocket(endpoint.wsUrl, { retryCount: 0, reconnect: false, keepAlive: false }),
  }) as PublicClient;
}
