import type { KeyProtection } from '#shared/api/wallet';

/**
 * Wraps the wallet secret with a key the OS keeps (Electron safeStorage on a real secret store). The headless node
 * has none: it uses the passphrase keystore. The Electron shell passes one to createNode when the OS backend is
 * trustworthy (not Linux's `basic_text`).
 */
export interface KeyProtector {
  readonly kind: Extract<KeyProtection, 'os-keychain'>;
  /** Whether the OS store can be trusted here, and why (shown in the UI). */
  availability(): { ok: boolean; note: string };
  protect(secret: Uint8Array): Promise<Uint8Array>;
  unprotect(sealed: Uint8Array): Promise<Uint8Array>;
}
