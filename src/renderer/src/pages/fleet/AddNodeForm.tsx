import { useState, type FormEvent } from 'react';
import type { FleetNode } from '#shared/api';
import { Card } from '../../components/feedback';
import { ErrorNotice } from '../../components/feedback';
import { useAction } from '../../lib/api';

/**
 * Adds another node by the URL it printed (with `#token=…`) or its address and token. The node checks both — a
 * Flywheel node answers there and takes the token — before it keeps them; the token never comes back to this page.
 */
export function AddNodeForm({
  disabled,
  onAdded,
}: {
  disabled: boolean;
  onAdded: (node: FleetNode) => void;
}) {
  const add = useAction('fleet.add');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [label, setLabel] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const node = await add.run({
      url: url.trim(),
      ...(token.trim() ? { token: token.trim() } : {}),
      ...(label.trim() ? { label: label.trim() } : {}),
    });
    if (node) {
      setUrl('');
      setToken('');
      setLabel('');
      onAdded(node);
    }
  };
  return (
    <Card title="Add a node">
      <form className="form" onSubmit={(e) => void submit(e)} aria-label="Add a node">
        <p className="muted small">
          Paste the URL another Flywheel node printed (<code>http://127.0.0.1:7420/#token=…</code>), or its
          address and the token from its data folder’s <code>api-token</code> file. Its API answers on
          127.0.0.1 only: for another machine, forward the port first (
          <code>ssh -L 7421:127.0.0.1:7420 rig</code>) and add <code>http://127.0.0.1:7421</code>.
        </p>
        <div className="field-grid">
          <div className="field">
            <label htmlFor="fleet-url">URL</label>
            <input
              id="fleet-url"
              type="url"
              required
              autoComplete="off"
              spellCheck={false}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="http://127.0.0.1:7420/#token=…"
            />
          </div>
          <div className="field">
            <label htmlFor="fleet-token">Token (if not in the URL)</label>
            <input
              id="fleet-token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="fleet-label">Name (optional)</label>
            <input id="fleet-label" value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} />
          </div>
        </div>
        {add.error && <ErrorNotice error={add.error} />}
        <button type="submit" className="primary" disabled={disabled || add.pending || url.trim() === ''}>
          {add.pending ? 'Checking the node…' : 'Add node'}
        </button>
      </form>
    </Card>
  );
}
