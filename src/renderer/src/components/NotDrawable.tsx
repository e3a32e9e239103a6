import type { Address } from '#shared/api/define';
import { useAction } from '../lib/api';
import { ErrorNotice } from './feedback';

/**
 * Says loudly that the contract gives this provider no weight in an economy (bond under the minimum, jailed,
 * paused after no-shows), with a one-click top-up for the bond case: no page says "serving" meanwhile.
 */
export function NotDrawableNotice({
  economy,
  name,
  reason,
  topUp,
  topUpLabel,
  onDone,
}: {
  economy: Address;
  /** The economy's name, where the notice is not already inside its card. */
  name?: string;
  reason: string;
  /** Base units to add; null: adding bond does not help. */
  topUp: string | null;
  /** The amount in words for the button ("5 LITE"). */
  topUpLabel?: string;
  onDone?: () => void;
}) {
  const add = useAction('provider.addBond');
  return (
    <div className="notice notice-warn" role="status" data-testid="not-drawable">
      <strong>
        {name ? `${name}: ` : ''}
        {reason}
      </strong>
      {add.error && <ErrorNotice error={add.error} />}
      {topUp !== null && (
        <button
          type="button"
          className="primary"
          disabled={add.pending}
          onClick={() => void add.run({ economy, amount: topUp }).then((r) => r && onDone?.())}
        >
          {add.pending ? 'Adding to the bond…' : `Add ${topUpLabel ?? 'the missing bond'}`}
        </button>
      )}
    </div>
  );
}
