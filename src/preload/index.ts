/**
 * The preload: the only bridge between the sandboxed renderer and the app. It exposes one
 * function, call(req), on window.vigil, which forwards a validated API request over a single IPC
 * channel. No Electron or Node object crosses the bridge, and the event object is never passed on.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, PRELOAD_GLOBAL, validateApiRequest, type ApiRequest, type PreloadApi } from '../common/ipc/contract';

const api: PreloadApi = {
  call(req: ApiRequest): Promise<unknown> {
    const v = validateApiRequest(req);
    if (!v.ok) return Promise.reject(new Error(v.reason));
    return ipcRenderer.invoke(IPC_CHANNEL, v.req);
  },
  platform: process.platform,
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, Object.freeze(api));
