import { z } from 'zod';
import { defineCall, defineEvent } from './define';

export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address') as z.ZodType<`0x${string}`>;

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL');

export const blobStoreSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('http'), url: httpUrl }).strict(),
  z
    .object({
      kind: z.literal('ipfs'),
      /** A Kubo RPC API (to add blobs), e.g. http://127.0.0.1:5001 */
      apiUrl: httpUrl,
      /** A trustless gateway (to fetch by CID), e.g. http://127.0.0.1:8080 */
      gatewayUrl: httpUrl,
    })
    .strict(),
]);

export const networkSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('devnet') }).strict(),
  z
    .object({
      kind: z.literal('custom'),
      label: z.string().trim().min(1).max(64),
      rpcUrl: httpUrl,
      chainId: z.number().int().positive(),
      factory: addressSchema,
      blobStore: blobStoreSettingsSchema,
    })
    .strict(),
]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

export const limitsSchema = z
  .object({
    /** Device ids jobs may run on; null = every detected device. */
    devices: z.array(z.string().min(1).max(32)).max(64).nullable(),
    maxConcurrentJobs: z.number().int().min(1).max(16),
    /** Share of the GPU a job may take (time slicing between jobs). */
    gpuSharePct: z.number().int().min(10).max(100),
    /** Stop taking jobs above this GPU temperature. */
    maxTemperatureC: z.number().int().min(50).max(100),
    /** Stop taking jobs above this board power, where the GPU reports it; null = no cap. */
    maxPowerW: z.number().int().min(10).max(2000).nullable(),
    schedule: z
      .object({
        enabled: z.boolean(),
        /** 0 = Sunday. */
        days: z.array(z.number().int().min(0).max(6)).max(7),
        start: hhmm,
        end: hhmm,
      })
      .strict(),
    /**
     * Turn the Provide GPU / Stop switch off while the user is at the computer and back on once they are away (the
     * desktop shell, src/main/shell/idleStop.ts). Stored as `pauseWhenUserActive` before settings version 2.
     */
    stopWhenUserActive: z.boolean(),
    /** Minutes without input before the user counts as away. */
    idleMinutes: z.number().int().min(1).max(240),
    /** Largest model or input file the node will fetch. */
    maxBlobMiB: z.number().int().min(1).max(65536),
  })
  .strict();

/** A whole or decimal token amount as people type it ("20", "2.5"). */
const tokenAmountText = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,18})?$/, 'must be a token amount such as 20 or 2.5');

/**
 * Opt-in bond top-up: when a slash leaves the bond under an economy's minimum, the node adds the shortfall from the
 * wallet's balance, never more than `cap` in total in each economy (in that economy's tokens) nor more than the
 * wallet holds.
 */
export const autoTopUpSchema = z
  .object({
    enabled: z.boolean(),
    cap: tokenAmountText,
  })
  .strict()
  .refine((a) => !a.enabled || Number(a.cap) > 0, {
    message: 'set a cap above 0 to turn auto top-up on',
    path: ['cap'],
  });

/**
 * The Prometheus endpoint (`GET /metrics` on its own port, src/main/metrics/): off unless turned on. On 127.0.0.1
 * by default; any other address needs a token file (`<data dir>/metrics-token`, mode 0600), never kept here.
 */
export const metricsSettingsSchema = z
  .object({
    enabled: z.boolean(),
    host: z
      .string()
      .trim()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:_[\]-]+$/, 'must be an IP address or host name'),
    port: z.number().int().min(1).max(65535),
  })
  .strict();

export const settingsSchema = z
  .object({
    schemaVersion: z.literal(2),
    network: networkSettingsSchema,
    limits: limitsSchema,
    payoutAddress: addressSchema.nullable(),
    startOnLogin: z.boolean(),
    ui: z.object({ theme: z.enum(['system', 'light', 'dark']) }).strict(),
    autoTopUp: autoTopUpSchema,
    metrics: metricsSettingsSchema,
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;
export type Limits = z.infer<typeof limitsSchema>;

export const defaultSettings: Settings = {
  schemaVersion: 2,
  network: { kind: 'devnet' },
  limits: {
    devices: null,
    maxConcurrentJobs: 2,
    gpuSharePct: 100,
    maxTemperatureC: 85,
    maxPowerW: null,
    schedule: { enabled: false, days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '23:59' },
    stopWhenUserActive: false,
    idleMinutes: 5,
    maxBlobMiB: 512,
  },
  payoutAddress: null,
  startOnLogin: false,
  ui: { theme: 'system' },
  autoTopUp: { enabled: false, cap: '0' },
  metrics: { enabled: false, host: '127.0.0.1', port: 9464 },
};

/** A patch replaces whole leaves; nested objects merge one level down (limits, ui, autoTopUp, metrics). */
export const settingsPatchSchema = z
  .object({
    network: networkSettingsSchema.optional(),
    limits: limitsSchema.partial().strict().optional(),
    payoutAddress: addressSchema.nullable().optional(),
    startOnLogin: z.boolean().optional(),
    ui: z
      .object({ theme: z.enum(['system', 'light', 'dark']) })
      .strict()
      .optional(),
    autoTopUp: z.object({ enabled: z.boolean(), cap: tokenAmountText }).partial().strict().optional(),
    metrics: metricsSettingsSchema.partial().strict().optional(),
  })
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const settingsCalls = {
  'settings.get': defineCall<Settings>()('The current settings.', z.object({}).strict()),
  'settings.update': defineCall<Settings>()(
    'Apply a patch to the settings; returns the settings as saved.',
    z.object({ patch: settingsPatchSchema }).strict(),
  ),
};

export const settingsEvents = {
  'settings.changed': defineEvent<Settings>('The settings were saved (by any window or the CLI).'),
};
