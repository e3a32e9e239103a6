import { useEffect, useState } from 'react';
import type { EconomyEstimate } from '#shared/api';
import type { ApiErrorData } from '#shared/errors';
import { asErrorData, useBridge } from '../lib/api';

export type EstimateState = { estimate?: EconomyEstimate; error?: ApiErrorData };

/**
 * What serving each economy would mean for this machine (economies.estimate at the minimum bond), asked once per
 * set of economies: estimates come from the benchmark and slow-moving stats, not from every block.
 */
export function useEstimates(ids: readonly string[]): Record<string, EstimateState> {
  const bridge = useBridge();
  const key = [...ids].sort().join(',');
  const [state, setState] = useState<{ key: string; byId: Record<string, EstimateState> }>({
    key: '',
    byId: {},
  });
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',') : [];
    void Promise.all(
      wanted.map(async (id) => {
        try {
          return [
            id,
            { estimate: await bridge.call('economies.estimate', { economy: id as `0x${string}` }) },
          ] as const;
        } catch (err) {
          return [id, { error: asErrorData(err) }] as const;
        }
      }),
    ).then((entries) => live && setState({ key, byId: Object.fromEntries(entries) }));
    return () => {
      live = false;
    };
  }, [bridge, key]);
  return state.key === key ? state.byId : {};
}
