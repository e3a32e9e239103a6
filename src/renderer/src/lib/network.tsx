import { createContext, useContext, type ReactNode } from 'react';
import type { NodeStatus } from '#shared/api';
import { useLive, type CallState } from './api';
import { NATIVE, type TokenLike } from './money';

/** What every page needs to know about the chain: its native coin (gas) and where a transaction can be looked up. */
export interface NetworkInfo {
  native: TokenLike;
  /** A block explorer's base URL; null on the devnet or where none is known. */
  explorerUrl: string | null;
}

const NodeStatusContext = createContext<CallState<NodeStatus> | null>(null);

/**
 * Follows node.status (pushed as a heartbeat) once for the whole app: the dashboard shows it, and links and gas
 * figures everywhere follow a network change. One request at start-up instead of one per reader.
 */
export function NetworkProvider({ children }: { children: ReactNode }) {
  const status = useLive('node.status', {}, 'node.status');
  return <NodeStatusContext.Provider value={status}>{children}</NodeStatusContext.Provider>;
}

export function useNodeStatus(): CallState<NodeStatus> {
  const state = useContext(NodeStatusContext);
  if (!state) throw new Error('useNodeStatus outside <NetworkProvider>');
  return state;
}

const fallback: NetworkInfo = { native: NATIVE, explorerUrl: null };

export function useNetwork(): NetworkInfo {
  const network = useContext(NodeStatusContext)?.data?.network;
  if (!network) return fallback;
  return {
    native: { symbol: network.nativeSymbol ?? NATIVE.symbol, decimals: NATIVE.decimals },
    explorerUrl: network.explorerUrl ?? null,
  };
}
