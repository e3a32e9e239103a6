/** The colour theme: `data-theme` on <html> drives the CSS variables (see styles.css). */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'flywheel.theme';

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage may be off (private mode); the theme still applies for this page.
  }
}

/** The theme used last time, applied before the first paint so a dark-theme user never sees a white flash. */
export function savedTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}
