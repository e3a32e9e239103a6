import type { ApiErrorData } from '#shared/errors';
import { ErrorNotice } from './feedback';

/**
 * The end of a form that saves: why the last save failed, the submit button ("Saving…" while it runs) and a quiet
 * "Saved." once it has — the same on every form.
 */
export function SaveFooter({
  save,
  label,
  disabled = false,
  primary = true,
  savedText = 'Saved.',
}: {
  /** The save's state, as `useSave` gives it. */
  save: { pending: boolean; error?: ApiErrorData | undefined; saved: boolean };
  /** The button's words ("Save limits"). */
  label: string;
  /** Greyed besides while saving: invalid or unchanged input. */
  disabled?: boolean;
  /** The form's main button (highlighted); a form beside other content may want it plain. */
  primary?: boolean;
  /** What "saved" means here, when there is more to say than "Saved." */
  savedText?: string;
}) {
  return (
    <>
      {save.error && <ErrorNotice error={save.error} />}
      <div className="button-row">
        <button type="submit" className={primary ? 'primary' : undefined} disabled={disabled || save.pending}>
          {save.pending ? 'Saving…' : label}
        </button>
        {save.saved && (
          <span role="status" className="text-ok">
            {savedText}
          </span>
        )}
      </div>
    </>
  );
}
