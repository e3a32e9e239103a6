import { z } from 'zod';
import { defineCall, defineEvent } from './define';

export type NetworkKind = 'none' | 'devnet' | 'custom';

/** What the node is doing, as the dashboard's status line shows it. */
export interface NodeStatus {
  version: string;
  /** Which shell hosts the node. */
  shell: 'electron' | 'headless' | 'cli';
  startedAt: number;
  uptimeS: number;
  pid: number;
  platform: string;
  arch: string;
  dataDir: string;
  network: {
    kind: NetworkKind;
    /** Human-readable: "Devnet (local anvil)", "Base Sepolia", … */
    label: string;
    chainId: number | null;
    rpcUrl: string | null;
    connected: boolean;
    blockNumber: number | null;
    /** The native coin gas is paid in ("ETH"); absent: the UI assumes ETH. */
    nativeSymbol?: string;
    /** A block explorer's base URL for transaction links (`<url>/tx/<hash>`); null or absent: none (devnet). */
    explorerUrl?: string | null;
  };
  /** Steps the node is working through at start-up (devnet, deploy, …), newest last. */
  phase: NodePhase;
  /** The headless shell's API token file (kept across restarts, 0600); absent in the other shells. */
  apiTokenFile?: string;
}

/** A rotated API token: the URL that carries it (the old one no longer opens the API). */
export interface RotatedToken {
  url: string;
  token: string;
}

export interface NodePhase {
  id: string;
  label: string;
  state: 'running' | 'done' | 'failed';
  /** 0..1 when known. */
  progress: number | null;
  error?: string;
}

export interface LogEntry {
  t: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  scope: string;
  message: string;
}

const empty = z.object({}).strict();

export const nodeCalls = {
  'node.status': defineCall<NodeStatus>()('The node status: shell, uptime, network, start-up phase.', empty),
  'node.logs': defineCall<LogEntry[]>()(
    'The newest log entries kept in memory.',
    z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  ),
  'node.rotateToken': defineCall<RotatedToken>()(
    'Headless shell only: replace the API token kept in the data folder. Every tab and event socket with the ' +
      'old token is cut off; the answer carries the new URL. UNAVAILABLE in the desktop app (it has no token).',
    z.object({ confirm: z.literal(true) }).strict(),
  ),
};

/** Something worth a notification (OS notification in the desktop app, a toast in the UI). */
export interface Notification {
  kind: 'job-finalized' | 'job-declined' | 'slashed' | 'withdrawn' | 'benchmark-done' | 'error';
  title: string;
  body: string;
  t: number;
}

export const nodeEvents = {
  'node.notification': defineEvent<Notification>('Something the user should hear about.'),
  'node.status': defineEvent<NodeStatus>(
    'The node status changed (pushed at least every 5 s as a heartbeat).',
  ),
  'node.log': defineEvent<LogEntry>('A log entry at info level or above.'),
};
