/**
 * The renderer's Content Security Policy, one definition for both shells: the headless server sends it as a
 * header, the Electron shell sets it on every response of its app protocol, and index.html carries the same
 * policy in a meta tag (checked by a test) so a page loaded any other way is still locked down.
 * `connect-src 'self'` covers the headless API and its WebSocket (CSP 3 lets 'self' match ws: on the same host).
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  // React and recharts set style attributes; no inline <script> is ever allowed.
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};

export function contentSecurityPolicy(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/** The policy as a meta tag can carry it (frame-ancestors is only honoured in a header). */
export function metaContentSecurityPolicy(): string {
  return Object.entries(CSP_DIRECTIVES)
    .filter(([k]) => k !== 'frame-ancestors')
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}
