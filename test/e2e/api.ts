import type { Page } from '@playwright/test';

/** Calls the node's API from the page, with the token the tab keeps (as the app's own bridge does over HTTP). */
export async function api<T>(page: Page, name: string, params: Record<string, unknown> = {}): Promise<T> {
  const envelope = await page.evaluate(
    async ({ name, params }) => {
      const res = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessionStorage.getItem('flywheel.token')}` },
        body: JSON.stringify(params),
      });
      return (await res.json()) as { ok: boolean; result?: unknown; error?: { shortMessage: string } };
    },
    { name, params },
  );
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error?.shortMessage}`);
  return envelope.result as T;
}
