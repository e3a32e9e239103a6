import type { Amount as AmountText } from '#shared/api/define';
import { useTokenOf } from '../lib/economies';
import { Amount } from './Amount';

/**
 * An amount named only by its economy (job fees, penalties): the token's decimals come from the economy list.
 * Until that list is known the raw base units are shown, labelled as such, rather than a guessed scale.
 */
export function TokenAmount({
  economy,
  value,
  symbol,
}: {
  economy: string;
  value: AmountText;
  symbol?: string;
}) {
  const token = useTokenOf()(economy);
  if (token) return <Amount value={value} token={token} />;
  return (
    <span className="amount" title="Token decimals not known yet">
      {value} base units{symbol ? ` of ${symbol}` : ''}
    </span>
  );
}
