import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A card opened in place for one action (join an economy, bond as a validator, withdraw): its heading takes the
 * focus as it opens, so keyboard and screen-reader users land on it.
 */
export function ActionPanel({
  title,
  className,
  testId,
  children,
}: {
  title: string;
  /** The panel's own class, beside the shared `action-panel`. */
  className?: string;
  testId: string;
  children: ReactNode;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section
      className={className ? `card action-panel ${className}` : 'card action-panel'}
      aria-labelledby={headingId}
      data-testid={testId}
    >
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}
