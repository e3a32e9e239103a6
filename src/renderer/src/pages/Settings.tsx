import { Card, Loaded } from '../components/feedback';
import { PayoutAddressForm } from '../components/PayoutAddressForm';
import { useLive } from '../lib/api';
import { AutoTopUpForm } from './settings/AutoTopUpForm';
import { useNodeStatus } from '../lib/network';
import { ApiTokenPanel } from './settings/ApiTokenPanel';
import { GeneralForm } from './settings/GeneralForm';
import { LimitsForm } from './settings/LimitsForm';
import { NetworkForm } from './settings/NetworkForm';
import { UnlockWays } from './settings/UnlockWays';
import { WalletPanel } from './settings/WalletPanel';

/**
 * Network, wallet and payout, limits, and the app's own preferences. Each form starts again from the saved
 * settings when they change (saved here, in another window or by the CLI): the keys below do that.
 */
export function Settings() {
  const settings = useLive('settings.get', {}, 'settings.changed');
  const s = settings.data;
  // The headless shell's own parts: how a rig unlocks without a person, and the token this page uses.
  const headless = useNodeStatus().data;
  const wallet = useLive('wallet.get', {}, 'wallet.changed').data;
  return (
    <div className="stack">
      <Loaded state={settings}>
        {(data) => (
          <Card title="Appearance and start-up">
            <GeneralForm settings={data} />
          </Card>
        )}
      </Loaded>
      <Card title="Wallet">
        <WalletPanel />
        {s && <PayoutAddressForm key={s.payoutAddress ?? ''} current={s.payoutAddress} />}
      </Card>
      {headless?.shell === 'headless' && wallet?.protection === 'passphrase' && (
        <Card title="Unlock at start">
          <UnlockWays wallet={wallet} />
        </Card>
      )}
      {headless?.apiTokenFile && (
        <Card title="API token">
          <ApiTokenPanel file={headless.apiTokenFile} />
        </Card>
      )}
      {s && (
        <>
          <Card title="Network">
            <NetworkForm key={JSON.stringify(s.network)} settings={s} />
          </Card>
          <Card title="Limits">
            <LimitsForm key={JSON.stringify(s.limits)} settings={s} />
          </Card>
          <Card title="Bond auto top-up">
            <AutoTopUpForm key={JSON.stringify(s.autoTopUp)} settings={s} />
          </Card>
        </>
      )}
    </div>
  );
}
