import { useState } from 'react';
import type { Settings } from '#shared/api';
import { ErrorNotice } from '../../components/feedback';
import { RadioChoices } from '../../components/RadioChoices';
import { useAction } from '../../lib/api';
import { applyTheme, type Theme } from '../../lib/theme';

const themes: { id: Theme; label: string }[] = [
  { id: 'system', label: 'Like the system' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

/**
 * Theme and start on login. Each applies as soon as it is picked (optimistically: the control moves at once and
 * goes back if the node refuses to save it).
 */
export function GeneralForm({ settings }: { settings: Settings }) {
  const save = useAction('settings.update');
  // An override holds until the saved settings move (then they show the same value) or the save fails.
  const [theme, setTheme] = useState<{ value: Theme; over: Theme } | null>(null);
  const [start, setStart] = useState<{ value: boolean; over: boolean } | null>(null);
  const shownTheme = theme && theme.over === settings.ui.theme ? theme.value : settings.ui.theme;
  const shownStart = start && start.over === settings.startOnLogin ? start.value : settings.startOnLogin;

  const pickTheme = async (next: Theme) => {
    setTheme({ value: next, over: settings.ui.theme });
    applyTheme(next);
    if (!(await save.run({ patch: { ui: { theme: next } } }))) {
      applyTheme(settings.ui.theme);
      setTheme(null);
    }
  };
  const pickStart = async (next: boolean) => {
    setStart({ value: next, over: settings.startOnLogin });
    if (!(await save.run({ patch: { startOnLogin: next } }))) setStart(null);
  };

  return (
    <div className="form">
      <fieldset>
        <legend>Theme</legend>
        <div className="radio-row">
          <RadioChoices
            name="theme"
            value={shownTheme}
            choices={themes}
            onChange={(t) => void pickTheme(t)}
          />
        </div>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={shownStart} onChange={(e) => void pickStart(e.target.checked)} />
        Start Flywheel when I log in (the desktop app; the headless shell is started by your own service
        manager)
      </label>
      {save.error && <ErrorNotice error={save.error} />}
    </div>
  );
}
