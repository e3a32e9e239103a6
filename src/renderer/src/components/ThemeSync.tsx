import { useEffect } from 'react';
import { useLive } from '../lib/api';
import { applyTheme } from '../lib/theme';

/** Applies the theme from the settings (and follows changes made in any window) to <html data-theme>. */
export function ThemeSync() {
  const settings = useLive('settings.get', {}, 'settings.changed');
  const theme = settings.data?.ui.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
  return null;
}
