import type { ReactNode } from 'react';
import type { ApiErrorData } from '#shared/errors';
import { adviceFor, isUnavailable } from '../lib/errors';

/**
 * An error as the user sees it: the short message, what to do, and the details behind a disclosure. A part of the
 * node that is not running yet is shown calmly (a status, not an alert): it is a state, not a failure.
 */
export function ErrorNotice({ error, onRetry }: { error: ApiErrorData; onRetry?: () => void }) {
  const unavailable = isUnavailable(error);
  const advice = adviceFor(error);
  return (
    <div
      className={`notice ${unavailable ? 'notice-unavailable' : 'notice-error'}`}
      role={unavailable ? 'status' : 'alert'}
      data-error-code={error.code}
    >
      <strong>{error.shortMessage}</strong>
      {advice && <p>{advice}</p>}
      {error.issues && error.issues.length > 0 && (
        <ul>
          {error.issues.map((i) => (
            <li key={i.path + i.message}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {error.details && (
        <details>
          <summary>Details</summary>
          <pre>{error.details}</pre>
        </details>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Card({
  title,
  children,
  actions,
  className,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`} aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        {actions && <div className="card-actions">{actions}</div>}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

/**
 * The three states every piece of data goes through, in one place: the error (with a retry), the loading state
 * until the first answer, then the content. Keeps showing older data under a later error.
 */
export function Loaded<T>({
  state,
  loadingLabel,
  children,
}: {
  state: { data: T | undefined; error: ApiErrorData | undefined; loading: boolean; reload: () => void };
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  return (
    <>
      {state.error && <ErrorNotice error={state.error} onRetry={state.reload} />}
      {state.data === undefined && state.loading && <Loading label={loadingLabel} />}
      {state.data !== undefined && children(state.data)}
    </>
  );
}
