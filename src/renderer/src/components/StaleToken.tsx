/**
 * The headless shell no longer takes this tab's token: it was rotated (Settings → API token, `flywheel token
 * rotate`, `--new-token`). The tab takes the new URL without a reload: the bridge listens for the fragment.
 */
export function StaleTokenNotice() {
  return (
    <div className="notice notice-error" role="alert" data-testid="stale-token">
      <strong>This tab’s token is no longer valid: open the URL the shell printed.</strong>
      <p>
        The API token was rotated. Paste the new URL (the one with <code>#token=</code>) into this tab’s
        address bar: the page reconnects without a reload.
      </p>
    </div>
  );
}
