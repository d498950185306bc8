/**
 * The desktop shell: the only code that imports electron. It starts the core in a utility process
 * (the same core `vigil serve` runs), opens the window, and relays the renderer's API calls over
 * one validated IPC channel. Storage, scraping and queries never run on this process's thread, so
 * the window stays responsive under load.
 */
import { app, BrowserWindow, ipcMain, shell, utilityProcess, Notification, type UtilityProcess } from 'electron';
import * as path from 'node:path';
import { IPC_CHANNEL, validateApiRequest } from '../../common/ipc/contract';
import { defaultDataDir } from '../util/paths';
import { externalUrlAllowed, isAppUrl, validateSender, windowWebPreferences } from './policy';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

let core: UtilityProcess | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;
let mainWindow: BrowserWindow | null = null;

function appUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev && !app.isPackaged) return dev;
  return new URL(`file://${path.join(__dirname, '../renderer/index.html')}`).toString();
}

function startCore(): void {
  const args = ['host', '--data', app.getPath('userData')];
  if (process.env.VIGIL_CONFIG) args.push('--config', process.env.VIGIL_CONFIG);
  if (process.env.VIGIL_DEMO === '1') args.push('--demo');
  core = utilityProcess.fork(path.join(__dirname, 'cli.js'), args, { serviceName: 'Vigil core', stdio: 'inherit' });
  core.on('message', (msg: { id?: number; result?: unknown; error?: string; event?: string; title?: string; body?: string }) => {
    if (msg.event === 'notify' && Notification.isSupported()) {
      new Notification({ title: msg.title ?? 'Vigil', body: msg.body ?? '' }).show();
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  core.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`Vigil core exited (code ${code})`));
    pending.clear();
    core = null;
    if (!quitting) {
      console.error(`Vigil core exited with code ${code}; restarting`);
      setTimeout(startCore, 1000);
    }
  });
}

function callCore(req: unknown): Promise<unknown> {
  if (!core) return Promise.reject(new Error('Vigil core is not running'));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    core!.postMessage({ id, req });
  });
}

function createWindow(): void {
  const url = appUrl();
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Vigil',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: windowWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.webContents.on('will-navigate', (e, target) => {
    if (!isAppUrl(target, url)) e.preventDefault();
  });
  mainWindow.webContents.setWindowOpenHandler(({ url: target }) => {
    if (externalUrlAllowed(target)) void shell.openExternal(target);
    return { action: 'deny' };
  });
  void mainWindow.loadURL(url);
}

let quitting = false;

function main(): void {
  app.setPath('userData', defaultDataDir());
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  void app.whenReady().then(() => {
    startCore();
    ipcMain.handle(IPC_CHANNEL, async (event, req: unknown) => {
      const frame = event.senderFrame;
      const reason = validateSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, appUrl());
      if (reason) throw new Error(`IPC refused: ${reason}`);
      const v = validateApiRequest(req);
      if (!v.ok) throw new Error(`IPC refused: ${v.reason}`);
      return callCore(v.req);
    });
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    quitting = true;
    core?.postMessage({ shutdown: true });
  });
}

main();
