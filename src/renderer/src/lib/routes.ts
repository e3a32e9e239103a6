/** Hash routes: `#/economies`, `#/jobs/<economy>:<jobId>`, … (the headless token also rides in the hash once). */
export const pageIds = [
  'dashboard',
  'economies',
  'jobs',
  'earnings',
  'penalties',
  'validate',
  'fleet',
  'settings',
] as const;
export type PageId = (typeof pageIds)[number];

export interface Route {
  page: PageId;
  /** The part after the page: a job key on `jobs`. */
  param: string | null;
}

export function parseRoute(hash: string): Route {
  const [first, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const page = pageIds.find((p) => p === first) ?? 'dashboard';
  const param = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : null;
  return { page, param: page === first ? param : null };
}

export function href(page: PageId, param?: string): string {
  return param ? `#/${page}/${encodeURIComponent(param)}` : `#/${page}`;
}
