import type { PreloadApi } from '#shared/api/ipc';

declare global {
  interface Window {
    /** Present only in the desktop app (the preload bridge); the headless shell speaks HTTP + WebSocket. */
    flywheel?: PreloadApi;
  }
}

export {};
