import { shortHash } from '../lib/jobs';
import { useNetwork } from '../lib/network';

/**
 * A transaction (or address) hash: a link to the block explorer where the network has one, else the hash itself
 * (the full value is in the title and selectable).
 */
export function TxHash({ hash, kind = 'tx' }: { hash: string; kind?: 'tx' | 'address' }) {
  const { explorerUrl } = useNetwork();
  const text = <code title={hash}>{shortHash(hash)}</code>;
  if (!explorerUrl) return <span className="hash">{text}</span>;
  return (
    <a
      className="hash"
      href={`${explorerUrl.replace(/\/$/, '')}/${kind}/${hash}`}
      target="_blank"
      rel="noreferrer noopener"
      aria-label={`${kind === 'tx' ? 'Transaction' : 'Address'} ${hash} in the block explorer`}
    >
      {text}
    </a>
  );
}
