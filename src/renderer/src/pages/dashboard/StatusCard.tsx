import type { NodeStatus, WalletInfo } from '#shared/api';
import { Amount } from '../../components/Amount';
import { Card, ErrorNotice, Loaded } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useLive, type CallState } from '../../lib/api';
import { href } from '../../lib/routes';
import { useNetwork, useNodeStatus } from '../../lib/network';
import { formatDuration } from '../../lib/time';

/** Where the node stands: network and block, start-up phase, wallet and its gas balance. */
export function StatusCard() {
  const status = useNodeStatus();
  // Asked at once, beside the status, rather than once the status has answered.
  const wallet = useLive('wallet.get', {}, 'wallet.changed');
  return (
    <Card title="Node">
      <Loaded state={status}>{(s) => <StatusDetails status={s} wallet={wallet} />}</Loaded>
    </Card>
  );
}

function StatusDetails({ status, wallet }: { status: NodeStatus; wallet: CallState<WalletInfo> }) {
  const { network, phase } = status;
  return (
    <dl className="facts" data-testid="node-status">
      <dt>Network</dt>
      <dd>
        {network.label}
        {network.chainId !== null && <span className="muted"> · chain {network.chainId}</span>}
      </dd>
      <dt>Block</dt>
      <dd data-testid="block">
        {network.blockNumber !== null ? network.blockNumber.toLocaleString('en-US') : '—'}
        {!network.connected && <span className="muted"> · not connected</span>}
      </dd>
      <dt>State</dt>
      <dd>
        {phase.state === 'running' ? <ProgressBar value={phase.progress} label={phase.label} /> : phase.label}
        {phase.error && <span className="text-error"> — {phase.error}</span>}
      </dd>
      <WalletFacts wallet={wallet} />
      <dt>Uptime</dt>
      <dd data-testid="uptime">{formatDuration(status.uptimeS)}</dd>
      <dt>Shell</dt>
      <dd>
        {status.shell} · v{status.version} · {status.platform}/{status.arch}
      </dd>
    </dl>
  );
}

/** The wallet lines of the status list; the wallet may not be running, which is said in place. */
function WalletFacts({ wallet }: { wallet: CallState<WalletInfo> }) {
  return (
    <>
      <dt>Wallet</dt>
      <dd data-testid="wallet-line">
        {wallet.error ? (
          <ErrorNotice error={wallet.error} onRetry={wallet.reload} />
        ) : wallet.data ? (
          <WalletLine wallet={wallet.data} />
        ) : (
          <span className="muted">…</span>
        )}
      </dd>
      {wallet.data?.exists && (
        <>
          <dt>Balance</dt>
          <dd data-testid="balance">
            <GasBalance wallet={wallet.data} />
          </dd>
        </>
      )}
    </>
  );
}

function WalletLine({ wallet }: { wallet: WalletInfo }) {
  if (!wallet.exists) {
    return (
      <>
        No wallet yet · <a href={href('settings')}>create or import one</a>
      </>
    );
  }
  return (
    <>
      <code title={wallet.address ?? ''}>{wallet.address}</code>
      {wallet.locked && (
        <>
          {' '}
          · <span className="text-warn">locked</span> · <a href={href('settings')}>unlock</a>
        </>
      )}
    </>
  );
}

function GasBalance({ wallet }: { wallet: WalletInfo }) {
  const { native } = useNetwork();
  if (wallet.nativeBalance === null) return <span className="muted">not connected</span>;
  return (
    <>
      <Amount value={wallet.nativeBalance} token={native} maxFractionDigits={6} />{' '}
      <span className="muted">for gas</span>
    </>
  );
}
