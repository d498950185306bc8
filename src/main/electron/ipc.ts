/**
 * The shell's IPC handler: the only code that uses ipcMain (a lint check enforces it). Every
 * message is checked for its sender frame (the app's main frame) and its payload (an API request
 * to a read-only route of the core's route table) before it reaches the core.
 */
import { ipcMain } from 'electron';
import { IPC_CHANNEL, validateApiRequest } from '../../common/ipc/contract';
import type { CoreLink } from './core-link';
import { validateSender } from './policy';

/** registerIpc answers the renderer's API calls through the core link. */
export function registerIpc(core: CoreLink, appUrl: () => string): void {
  ipcMain.handle(IPC_CHANNEL, async (event, req: unknown) => {
    const frame = event.senderFrame;
    const reason = validateSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, appUrl());
    if (reason) throw new Error(`IPC refused: ${reason}`);
    const v = validateApiRequest(req, core.allowed);
    if (!v.ok) throw new Error(`IPC refused: ${v.reason}`);
    return core.call(v.req);
  });
}
