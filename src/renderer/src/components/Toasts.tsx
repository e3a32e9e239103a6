import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notification } from '../../../shared/api';
import { useEvent } from '../lib/api';

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

/**
 * Toasts for what the node says is worth hearing (job finalized, slashed, withdrawn, …), for each transaction the
 * node sends on the user's behalf, and for a failed one of the job loop's routine transactions. Bad news stays until
 * dismissed; good news fades after a few seconds.
 */
export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  useEvent('node.notification', (n) => {
    const tone = toneOf[n.kind];
    const toast: Toast = {
      id: nextId.current++,
      tone,
      title: n.title,
      body: n.body,
      ttlMs: tone === 'bad' ? null : 8000,
    };
    setToasts((list) => [...list.slice(-4), toast]);
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
    setToasts((list) => [...list.slice(-4), toast]);
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
      return existing ? list.map((t) => (t.id === existing.id ? toast : t)) : [...list.slice(-4), toast];
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
