import type { MenuItemConstructorOptions } from 'electron';
import type { WatchedProvider } from './providerWatch';

/** What the tray shows: the provider's state, and whether the shell stopped it because the user is active. */
export interface TrayView extends WatchedProvider {
  stoppedForActivity: boolean;
}

/** The Provide GPU / Stop switch (off: `stop`, on: `provide`), the window and quitting. */
export interface TrayActions {
  stop(): void;
  provide(): void;
  open(): void;
  quit(): void;
}

/** The tray icon variants in resources/tray (the logo with a coloured status dot). */
export type TrayIcon = 'providing' | 'held' | 'error' | 'idle';

const MAX_REASON = 80;
const short = (text: string) => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);
const withReason = (label: string, reason: string | null) => (reason ? `${label}: ${short(reason)}` : label);

/** The first line of the tray menu, in the UI's words. */
export function trayStatusLine(view: TrayView): string {
  switch (view.status) {
    case 'providing': {
      const slots =
        view.slots && view.slots.total > 0 ? ` (${view.slots.busy} of ${view.slots.total} busy)` : '';
      return `Providing${slots}`;
    }
    case 'starting':
      return 'Starting…';
    case 'held':
      return withReason('Held back', view.reason);
    case 'stopped':
      return view.stoppedForActivity ? 'Stopped while you use this computer' : 'Not providing';
    case 'error':
      return withReason('Error', view.reason);
    case 'unavailable':
      return withReason('Provider not running', view.reason);
  }
}

export function trayIcon(view: TrayView): TrayIcon {
  switch (view.status) {
    case 'providing':
      return 'providing';
    case 'starting':
    case 'held':
      return 'held';
    case 'error':
      return 'error';
    case 'stopped':
      return view.stoppedForActivity ? 'held' : 'idle';
    case 'unavailable':
      return 'idle';
  }
}

export function trayTooltip(view: TrayView): string {
  return `Flywheel — ${trayStatusLine(view)}`;
}

/**
 * The tray menu for a state: the status line, the Provide GPU / Stop switch in the UI's words ("Stop providing"
 * while the provider is on, "Provide GPU" while it is off; nothing to switch while the node cannot answer), open,
 * quit. A pure function of the state, so every state's menu
 * is tested; the tray rebuilds it on each change.
 */
export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemConstructorOptions[] {
  const on = view.status === 'providing' || view.status === 'starting' || view.status === 'held';
  const toggle: MenuItemConstructorOptions = on
    ? { id: 'stop', label: 'Stop providing', click: () => actions.stop() }
    : {
        id: 'provide',
        label: view.stoppedForActivity ? 'Provide GPU now' : 'Provide GPU',
        enabled: view.status !== 'unavailable',
        click: () => actions.provide(),
      };
  return [
    { id: 'status', label: trayStatusLine(view), enabled: false },
    { type: 'separator' },
    toggle,
    { type: 'separator' },
    { id: 'open', label: 'Open Flywheel', click: () => actions.open() },
    { id: 'quit', label: 'Quit Flywheel', click: () => actions.quit() },
  ];
}
