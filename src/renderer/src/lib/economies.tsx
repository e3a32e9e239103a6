import { createContext, useCallback, useContext, type ReactNode } from 'react';
import type { EconomySummary, TokenInfo } from '#shared/api';
import { useLive, type CallState } from './api';

const EconomiesContext = createContext<CallState<EconomySummary[]> | null>(null);

/**
 * Every economy (genesis and forks), loaded once for the whole app and kept live: the Economies page shows them,
 * and the other pages need each economy's name and token (decimals) to show amounts that name only the economy.
 */
export function EconomiesProvider({ children }: { children: ReactNode }) {
  const state = useLive('economies.list', {}, 'economies.changed');
  return <EconomiesContext.Provider value={state}>{children}</EconomiesContext.Provider>;
}

export function useEconomies(): CallState<EconomySummary[]> {
  const state = useContext(EconomiesContext);
  if (!state) throw new Error('useEconomies outside <EconomiesProvider>');
  return state;
}

/** Looks an economy up by address (case-insensitively: addresses may come checksummed or not). */
export function useEconomyLookup(): (economy: string) => EconomySummary | undefined {
  const { data } = useEconomies();
  return useCallback(
    (economy: string) => data?.find((e) => e.economy.toLowerCase() === economy.toLowerCase()),
    [data],
  );
}

export function useTokenOf(): (economy: string) => TokenInfo | undefined {
  const lookup = useEconomyLookup();
  return useCallback((economy: string) => lookup(economy)?.token, [lookup]);
}
