import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import { trayIcon, trayMenuTemplate, trayTooltip, type TrayActions, type TrayView } from './trayMenu';

export interface ShellTray {
  render(view: TrayView): void;
  destroy(): void;
}

/**
 * The tray icon: its picture and tooltip say the provider's state, its menu holds the quick actions. A click opens
 * the window where the platform sends clicks (Windows, most Linux trays); macOS opens the menu.
 */
export function createTray(iconDir: string, actions: TrayActions, initial: TrayView): ShellTray {
  const image = (view: TrayView) => nativeImage.createFromPath(join(iconDir, `tray-${trayIcon(view)}.png`));
  const tray = new Tray(image(initial));
  tray.on('click', () => actions.open());
  const render = (view: TrayView) => {
    tray.setImage(image(view));
    tray.setToolTip(trayTooltip(view));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view, actions)));
  };
  render(initial);
  return { render, destroy: () => tray.destroy() };
}
