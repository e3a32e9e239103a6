import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../security/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Answers a request on the app:// scheme from the built renderer folder, with the CSP on every response.
 * Paths that leave the folder get 404; unknown routes without an extension get index.html (client routing).
 */
export async function serveAppRequest(rendererRoot: string, requestUrl: string): Promise<Response> {
  const root = resolve(rendererRoot);
  const { pathname } = new URL(requestUrl);
  let file = resolve(join(root, decodeURIComponent(pathname)));
  if (file !== root && !file.startsWith(root + sep)) return new Response('Not found', { status: 404 });
  if (pathname === '/' || extname(pathname) === '') file = join(root, 'index.html');
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy(),
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
