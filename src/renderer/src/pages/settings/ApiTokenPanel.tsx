import { useState } from 'react';
import { ErrorNotice } from '../../components/feedback';
import { useAction } from '../../lib/api';

/**
 * The headless shell's API token: kept in the data folder across restarts (so open tabs keep working), replaced
 * only when the user rotates it here or with `flywheel token rotate`. This tab takes the new token itself; every
 * other tab says its token is no longer valid until it is given the new URL.
 */
export function ApiTokenPanel({ file }: { file: string }) {
  const [confirming, setConfirming] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  const rotate = useAction('node.rotateToken');
  return (
    <div className="stack">
      <p>
        This page reaches the node with a token kept in <code className="break">{file}</code> (readable by
        your user only). It stays the same when the shell restarts, so open tabs carry on. Rotate it if the
        URL may have leaked: every tab and connection with the old token is cut off at once.
      </p>
      {!confirming ? (
        <div className="button-row">
          <button type="button" onClick={() => setConfirming(true)}>
            Rotate the token…
          </button>
          {url && (
            <span role="status" className="small" data-testid="rotated-url">
              New URL (this tab already uses it): <code className="break">{url}</code>
            </span>
          )}
        </div>
      ) : (
        <div className="confirm" role="group" aria-label="Rotate the API token">
          <p>
            Other tabs, and scripts that use the old token, stop working until they are given the new URL. The
            shell prints it too.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              data-testid="rotate-token"
              disabled={rotate.pending}
              onClick={() =>
                void rotate.run({ confirm: true }).then((r) => {
                  if (!r) return;
                  setUrl(r.url);
                  setConfirming(false);
                })
              }
            >
              Rotate now
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {rotate.error && <ErrorNotice error={rotate.error} />}
    </div>
  );
}
