import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notification } from '#shared/api';
import { useEvent } from '../lib/api';
import './Toasts.css';

interface Toast {
  id: number;
  tone: 'ok' | 'bad' | 'info';
  title: string;
  body: string;
  /** Transactions keep one toast that moves from pending to confirmed or failed. */
  txHash?: string;
  /** Milliseconds shown; null stays until dismissed. */
  ttlMs: number | null;
}

const toneOf: Record<Notification['kind'], Toast['tone']> = {
  'job-finalized': 'ok',
  withdrawn: 'ok',
  'benchmark-done': 'ok',
  'job-declined': 'info',
  slashed: 'bad',
  error: 'bad',
};

/** How long one event is remembered: the same notification again within it is the same event seen again. */
const SAME_EVENT_MS = 10 * 60_000;
/** Toasts shown at once; older ones make room. */
const MAX_SHOWN = 3;

/**
 * Toasts for what the node says is worth hearing (job finalized, slashed, withdrawn, …), for each transaction the
 * node sends on the user's behalf, and for a failed one of the job loop's routine transactions. Bad news stays until
 * dismissed; good news fades after a few seconds. One toast per event: the node may see an event again (a refresh,
 * a reconnect), so a notification with the same kind, title and text within ten minutes is not shown twice. They sit
 * in the sidebar, in the layout's flow, so they never cover the page they talk about.
 */
export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const seen = useRef(new Map<string, number>());

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  useEvent('node.notification', (n) => {
    const key = `${n.kind}\n${n.title}\n${n.body}`;
    const now = Date.now();
    for (const [k, at] of seen.current) if (now - at > SAME_EVENT_MS) seen.current.delete(k);
    if (seen.current.has(key)) return;
    seen.current.set(key, now);
    const tone = toneOf[n.kind];
    const toast: Toast = {
      id: nextId.current++,
      tone,
      title: n.title,
      body: n.body,
      ttlMs: tone === 'bad' ? null : 8000,
    };
    setToasts((list) => [...list.slice(-(MAX_SHOWN - 1)), toast]);
  });

  // Auto top-up moved money from the wallet by itself, or could not restore a bond: both worth hearing.
  useEvent('provider.autoTopUp', (n) => {
    const added = n.outcome === 'added';
    const toast: Toast = {
      id: nextId.current++,
      tone: added ? 'ok' : 'bad',
      title: added ? `Bond topped up in ${n.name}` : `Auto top-up could not restore the bond in ${n.name}`,
      body: n.text,
      ttlMs: added ? 8000 : null,
    };
    setToasts((list) => [...list.slice(-(MAX_SHOWN - 1)), toast]);
  });

  useEvent('tx.updated', (tx) => {
    // The job loop's own draws, submissions and finalizes come many a minute: only their failures are news.
    if (tx.routine && tx.status !== 'failed') return;
    setToasts((list) => {
      const existing = list.find((t) => t.txHash === tx.hash);
      const toast: Toast = {
        id: existing?.id ?? nextId.current++,
        txHash: tx.hash,
        tone: tx.status === 'failed' ? 'bad' : tx.status === 'confirmed' ? 'ok' : 'info',
        title:
          tx.status === 'pending'
            ? `${tx.label}: waiting for the chain…`
            : tx.status === 'confirmed'
              ? `${tx.label}: confirmed`
              : `${tx.label}: failed`,
        body: tx.error ?? '',
        ttlMs: tx.status === 'pending' ? null : tx.status === 'confirmed' ? 6000 : null,
      };
      return existing
        ? list.map((t) => (t.id === existing.id ? toast : t))
        : [...list.slice(-(MAX_SHOWN - 1)), toast];
    });
  });

  return (
    <div className="toasts" aria-label="Notifications" role="region">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
      ))}
    </div>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.ttlMs === null) return;
    const timer = setTimeout(() => onDismiss(toast.id), toast.ttlMs);
    return () => clearTimeout(timer);
  }, [toast.id, toast.ttlMs, onDismiss]);
  return (
    <div className={`toast toast-${toast.tone}`} role={toast.tone === 'bad' ? 'alert' : 'status'}>
      <div className="toast-text">
        <strong>{toast.title}</strong>
        {toast.body && <p>{toast.body}</p>}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}
