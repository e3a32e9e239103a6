/**
 * The preload bridge: exposes one narrow object, `window.flywheel`, and nothing of Node or ipcRenderer.
 * Calls go through `ipcRenderer.invoke` on the call's own channel (main checks the sender and validates);
 * events come through one subscribe function.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCallName, isEventName, type ApiEventMessage } from '#shared/api';
import { callChannel, IPC_EVENT_CHANNEL, type PreloadApi } from '#shared/api/ipc';

const api: PreloadApi = {
  call(name, params) {
    if (!isCallName(name)) {
      return Promise.resolve({
        ok: false,
        error: {
          code: 'UNKNOWN_CALL',
          shortMessage: `There is no API call named ${String(name).slice(0, 64)}.`,
        },
      });
    }
    return ipcRenderer.invoke(callChannel(name), params);
  },
  subscribe(listener) {
    const onEvent = (_event: IpcRendererEvent, message: ApiEventMessage) => {
      if (isEventName(message?.name)) listener(message);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, onEvent);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onEvent);
    };
  },
};

contextBridge.exposeInMainWorld('flywheel', api);
