import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  trayIcon,
  trayMenuTemplate,
  trayStatusLine,
  trayTooltip,
  type TrayView,
} from '../../../src/main/shell/trayMenu';

const view = (over: Partial<TrayView>): TrayView => ({
  status: 'stopped',
  reason: null,
  slots: null,
  stoppedForActivity: false,
  ...over,
});

function actions() {
  return { stop: vi.fn(), provide: vi.fn(), open: vi.fn(), quit: vi.fn() };
}

/** The menu as a reader sees it: labels, enabled state, separators as '---'. */
function shape(items: MenuItemConstructorOptions[]) {
  return items.map((i) =>
    i.type === 'separator' ? '---' : `${i.label}${i.enabled === false ? ' (off)' : ''}`,
  );
}

function click(items: MenuItemConstructorOptions[], id: string) {
  const item = items.find((i) => i.id === id);
  if (!item?.click) throw new Error(`no clickable item ${id}`);
  (item.click as () => void)();
}

describe('tray menu, one per provider state', () => {
  it.each([
    [
      'providing',
      view({ status: 'providing', slots: { busy: 1, total: 2 } }),
      ['Providing (1 of 2 busy)', 'Stop providing'],
      'providing',
    ],
    ['starting', view({ status: 'starting' }), ['Starting…', 'Stop providing'], 'held'],
    [
      'held back by a limit',
      view({ status: 'held', reason: 'GPU at 88 °C (limit 85 °C)' }),
      ['Held back: GPU at 88 °C (limit 85 °C)', 'Stop providing'],
      'held',
    ],
    ['stopped', view({ status: 'stopped' }), ['Not providing', 'Provide GPU'], 'idle'],
    [
      'stopped while the user is active',
      view({ status: 'stopped', stoppedForActivity: true }),
      ['Stopped while you use this computer', 'Provide GPU now'],
      'held',
    ],
    [
      'in error',
      view({ status: 'error', reason: 'Wallet locked' }),
      ['Error: Wallet locked', 'Provide GPU'],
      'error',
    ],
    [
      'unavailable (the node cannot answer yet)',
      view({ status: 'unavailable', reason: 'The chain connection is not running on this node.' }),
      ['Provider not running: The chain connection is not running on this node.', 'Provide GPU (off)'],
      'idle',
    ],
  ] as const)('%s', (_name, state, [status, toggle], icon) => {
    const items = trayMenuTemplate(state, actions());
    expect(shape(items)).toEqual([`${status} (off)`, '---', toggle, '---', 'Open Flywheel', 'Quit Flywheel']);
    expect(trayStatusLine(state)).toBe(status);
    expect(trayTooltip(state)).toBe(`Flywheel — ${status}`);
    expect(trayIcon(state)).toBe(icon);
  });

  it('wires each item to its action', () => {
    const a = actions();
    click(trayMenuTemplate(view({ status: 'providing' }), a), 'stop');
    click(trayMenuTemplate(view({ status: 'stopped' }), a), 'provide');
    click(trayMenuTemplate(view({}), a), 'open');
    click(trayMenuTemplate(view({}), a), 'quit');
    expect([a.stop, a.provide, a.open, a.quit].map((f) => f.mock.calls.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps a long reason to one menu line', () => {
    const line = trayStatusLine(view({ status: 'error', reason: 'x'.repeat(500) }));
    expect(line.length).toBeLessThanOrEqual('Error: '.length + 80);
    expect(line.endsWith('…')).toBe(true);
  });

  it('shows the slots only when the provider has some', () => {
    expect(trayStatusLine(view({ status: 'providing', slots: { busy: 0, total: 0 } }))).toBe('Providing');
  });
});
