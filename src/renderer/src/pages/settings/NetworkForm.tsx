import { useId, useState } from 'react';
import type { NetworkSettings, Settings } from '#shared/api';
import type { Address } from '#shared/api/define';
import { RadioChoices } from '../../components/RadioChoices';
import { SaveFooter } from '../../components/SaveFooter';
import { useSave } from '../../lib/api';

type BlobKind = 'local' | 'http' | 'ipfs';

const networkKinds = [
  {
    id: 'devnet',
    label:
      'Devnet — a local chain on this machine with demo requesters, to try everything without real money',
  },
  { id: 'custom', label: 'A custom EVM network' },
] as const;

const blobKinds: { id: BlobKind; label: string }[] = [
  { id: 'local', label: 'This machine' },
  { id: 'http', label: 'An HTTP server' },
  { id: 'ipfs', label: 'IPFS (a Kubo node)' },
];

interface Draft {
  kind: 'devnet' | 'custom';
  label: string;
  rpcUrl: string;
  chainId: string;
  factory: string;
  blobKind: BlobKind;
  blobUrl: string;
  ipfsApi: string;
  ipfsGateway: string;
}

function draftOf(n: NetworkSettings): Draft {
  const base: Draft = {
    kind: n.kind,
    label: '',
    rpcUrl: '',
    chainId: '',
    factory: '',
    blobKind: 'local',
    blobUrl: '',
    ipfsApi: 'http://127.0.0.1:5001',
    ipfsGateway: 'http://127.0.0.1:8080',
  };
  if (n.kind === 'devnet') return base;
  const blob = n.blobStore;
  return {
    ...base,
    label: n.label,
    rpcUrl: n.rpcUrl,
    chainId: String(n.chainId),
    factory: n.factory,
    blobKind: blob.kind,
    blobUrl: blob.kind === 'http' ? blob.url : '',
    ipfsApi: blob.kind === 'ipfs' ? blob.apiUrl : base.ipfsApi,
    ipfsGateway: blob.kind === 'ipfs' ? blob.gatewayUrl : base.ipfsGateway,
  };
}

const url = /^https?:\/\/\S+$/;

/** Field problems found before asking the node (which checks again): each names the field it belongs to. */
export function checkNetwork(d: Draft): { network?: NetworkSettings; problems: Record<string, string> } {
  if (d.kind === 'devnet') return { network: { kind: 'devnet' }, problems: {} };
  const problems: Record<string, string> = {};
  if (!d.label.trim()) problems.label = 'Give the network a name.';
  if (!url.test(d.rpcUrl.trim())) problems.rpcUrl = 'An http:// or https:// URL.';
  const chainId = Number(d.chainId);
  if (!Number.isInteger(chainId) || chainId <= 0)
    problems.chainId = 'A whole number above 0 (e.g. 8453 for Base).';
  if (!/^0x[0-9a-fA-F]{40}$/.test(d.factory.trim()))
    problems.factory = '0x followed by 40 hexadecimal characters.';
  if (d.blobKind === 'http' && !url.test(d.blobUrl.trim())) problems.blobUrl = 'An http:// or https:// URL.';
  if (d.blobKind === 'ipfs') {
    if (!url.test(d.ipfsApi.trim())) problems.ipfsApi = 'An http:// or https:// URL.';
    if (!url.test(d.ipfsGateway.trim())) problems.ipfsGateway = 'An http:// or https:// URL.';
  }
  if (Object.keys(problems).length > 0) return { problems };
  const blobStore: Extract<NetworkSettings, { kind: 'custom' }>['blobStore'] =
    d.blobKind === 'local'
      ? { kind: 'local' }
      : d.blobKind === 'http'
        ? { kind: 'http', url: d.blobUrl.trim() }
        : { kind: 'ipfs', apiUrl: d.ipfsApi.trim(), gatewayUrl: d.ipfsGateway.trim() };
  return {
    network: {
      kind: 'custom',
      label: d.label.trim(),
      rpcUrl: d.rpcUrl.trim(),
      chainId,
      factory: d.factory.trim() as Address,
      blobStore,
    },
    problems: {},
  };
}

/** Which chain the node serves: the embedded devnet, or a custom EVM network with its factory and blob store. */
export function NetworkForm({ settings }: { settings: Settings }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings.network));
  const [tried, setTried] = useState(false);
  const save = useSave('settings.update');
  const checked = checkNetwork(draft);
  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    save.edit();
  };
  const field = (name: keyof Draft & string, label: string, help?: string) => {
    const problem = tried ? checked.problems[name] : undefined;
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        <input
          id={`${id}-${name}`}
          value={draft[name]}
          spellCheck={false}
          onChange={(e) => set({ [name]: e.target.value })}
          aria-invalid={problem !== undefined}
          aria-describedby={problem || help ? `${id}-${name}-help` : undefined}
        />
        {(problem || help) && (
          <div id={`${id}-${name}-help`} className={problem ? 'text-error small' : 'muted small'}>
            {problem ?? help}
          </div>
        )}
      </div>
    );
  };
  return (
    <form
      className="form"
      aria-label="Network"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!checked.network) return;
        void save.submit({ patch: { network: checked.network } });
      }}
    >
      <fieldset>
        <legend>Network</legend>
        <RadioChoices
          name="network"
          value={draft.kind}
          choices={networkKinds}
          onChange={(kind) => set({ kind })}
        />
      </fieldset>
      {draft.kind === 'custom' && (
        <>
          {field('label', 'Name', 'How the network is shown, e.g. "Base Sepolia".')}
          {field('rpcUrl', 'RPC URL')}
          {field('chainId', 'Chain id')}
          {field(
            'factory',
            'Factory address',
            'The lineage registry every economy of this network is found from.',
          )}
          <fieldset>
            <legend>Blob store (models, inputs and outputs)</legend>
            <RadioChoices
              name="blob"
              value={draft.blobKind}
              choices={blobKinds}
              onChange={(blobKind) => set({ blobKind })}
            />
          </fieldset>
          {draft.blobKind === 'http' && field('blobUrl', 'Blob server URL')}
          {draft.blobKind === 'ipfs' && (
            <>
              {field('ipfsApi', 'Kubo RPC API URL', 'Where blobs are added, e.g. http://127.0.0.1:5001')}
              {field(
                'ipfsGateway',
                'Gateway URL',
                'Where blobs are fetched by CID, e.g. http://127.0.0.1:8080',
              )}
            </>
          )}
        </>
      )}
      <SaveFooter save={save} label="Save network" />
    </form>
  );
}
