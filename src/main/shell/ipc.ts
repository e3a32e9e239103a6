import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { callNames } from '#shared/api';
import type { Envelope } from '#shared/api/define';
import { callChannel, IPC_EVENT_CHANNEL } from '#shared/api/ipc';
import { FlywheelError } from '#shared/errors';
import type { FlywheelNode } from '../node';
import { originOf } from './origins';

/** Decides whether an IPC message comes from our own renderer: the top frame, loaded from our own origin. */
export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'senderFrame'>) => boolean;

/**
 * A sender check for pages loaded from `allowedOrigins` (the app:// protocol, or the dev server while developing).
 * Subframes, destroyed frames and any other origin are refused.
 */
export function trustedOriginCheck(allowedOrigins: readonly string[]): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    const origin = originOf(frame.url);
    return origin !== null && allowedOrigins.includes(origin);
  };
}

/**
 * Registers one `ipcMain.handle` per call of the contract (the only place that does). Each handler checks the
 * sender first, then hands the payload to the node's dispatcher, which validates it against the call's schema.
 * Returns a function that removes every handler.
 */
export function registerApiHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  node: Pick<FlywheelNode, 'dispatch' | 'log'>,
  isTrustedSender: SenderCheck,
): () => void {
  const log = node.log.child('ipc');
  for (const name of callNames) {
    ipcMain.handle(callChannel(name), async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event)) {
        log.warn('refused an IPC call from an untrusted sender', { call: name, url: event.senderFrame?.url });
        return {
          ok: false,
          error: new FlywheelError('This window is not allowed to talk to the Flywheel node.', {
            code: 'FORBIDDEN_SENDER',
          }).toData(),
        };
      }
      return node.dispatch(name, payload, { bridge: 'ipc' });
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(callChannel(name));
  };
}

/** Sends every node event to the given windows' renderers; returns the unsubscribe function. */
export function forwardEvents(node: Pick<FlywheelNode, 'events'>, targets: () => WebContents[]): () => void {
  return node.events.subscribe((message) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, message);
    }
  });
}

/**
 * Removes every `ipcMain.on` listener: the bridge answers only through `handle` (with the sender check above), so
 * any `on` listener was added by a library — electron-store registers one that tells any renderer the data folder
 * path. Called once the shell is wired; returns the channels it closed, for the log.
 */
export function removeForeignListeners(ipcMain: {
  eventNames(): (string | symbol)[];
  removeAllListeners(channel: string): unknown;
}): string[] {
  const channels = ipcMain.eventNames().map(String);
  for (const channel of channels) ipcMain.removeAllListeners(channel);
  return channels;
}
