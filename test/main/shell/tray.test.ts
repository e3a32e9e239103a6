import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here: Tray, Menu and nativeImage record what the shell gives them.
vi.mock('electron', () => {
  class Tray {
    static last: Tray;
    images: string[] = [];
    tooltip = '';
    menu: { label?: string; id?: string }[] = [];
    handlers: Record<string, () => void> = {};
    destroyed = false;
    constructor(image: { path: string }) {
      this.images.push(image.path);
      Tray.last = this;
    }
    on(event: string, fn: () => void) {
      this.handlers[event] = fn;
    }
    setImage(image: { path: string }) {
      this.images.push(image.path);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: { template: { label?: string; id?: string }[] }) {
      this.menu = menu.template;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    Tray,
    Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
  };
});

import { Tray } from 'electron';
import { resourcesDir } from '../../../src/main/paths';
import { createTray } from '../../../src/main/shell/tray';
import type { TrayView } from '../../../src/main/shell/trayMenu';

type FakeTray = {
  images: string[];
  tooltip: string;
  menu: { label?: string; id?: string }[];
  handlers: Record<string, () => void>;
  destroyed: boolean;
};
const last = () => (Tray as unknown as { last: FakeTray }).last;

describe('tray (electron mocked)', () => {
  it('shows the state in its icon, tooltip and menu, and follows changes', () => {
    const open = vi.fn();
    const iconDir = join(resourcesDir(), 'tray');
    const stopped: TrayView = { status: 'stopped', reason: null, slots: null, stoppedForActivity: false };
    const tray = createTray(iconDir, { stop: vi.fn(), provide: vi.fn(), open, quit: vi.fn() }, stopped);

    const t = last();
    expect(t.images.at(-1)).toBe(join(iconDir, 'tray-idle.png'));
    expect(t.tooltip).toBe('Flywheel — Not providing');
    expect(t.menu.map((i) => i.id ?? '-')).toEqual(['status', '-', 'provide', '-', 'open', 'quit']);

    tray.render({ ...stopped, status: 'providing', slots: { busy: 2, total: 2 } });
    expect(t.images.at(-1)).toBe(join(iconDir, 'tray-providing.png'));
    expect(t.menu[0]!.label).toBe('Providing (2 of 2 busy)');
    expect(t.menu.find((i) => i.id === 'stop')).toBeTruthy();

    t.handlers.click!();
    expect(open).toHaveBeenCalledOnce();
    tray.destroy();
    expect(t.destroyed).toBe(true);
  });

  it('has an icon (1x and 2x) for every state it can show', () => {
    for (const name of ['providing', 'held', 'error', 'idle']) {
      expect(existsSync(join(resourcesDir(), 'tray', `tray-${name}.png`))).toBe(true);
      expect(existsSync(join(resourcesDir(), 'tray', `tray-${name}@2x.png`))).toBe(true);
    }
  });
});
