import { createContext, useContext, type ReactNode } from 'react';
import { useLive } from './api';
import { NATIVE, type TokenLike } from './money';

/** What every page needs to know about the chain: its native coin (gas) and where a transaction can be looked up. */
export interface NetworkInfo {
  native: TokenLike;
  /** A block explorer's base URL; null on the devnet or where none is known. */
  explorerUrl: string | null;
}

const fallback: NetworkInfo = { native: NATIVE, explorerUrl: null };
const NetworkContext = createContext<NetworkInfo>(fallback);

/** Follows node.status (pushed as a heartbeat) so links and gas figures follow a network change. */
export function NetworkProvider({ children }: { children: ReactNode }) {
  const status = useLive('node.status', {}, 'node.status');
  const network = status.data?.network;
  const value: NetworkInfo = network
    ? {
        native: { symbol: network.nativeSymbol ?? NATIVE.symbol, decimals: NATIVE.decimals },
        explorerUrl: network.explorerUrl ?? null,
      }
    : fallback;
  return <NetworkContext.Provider value={value}>{children}</NetworkContext.Provider>;
}

export function useNetwork(): NetworkInfo {
  return useContext(NetworkContext);
}
