/**
 * The desktop shell: the only code that imports electron. It starts the core in a utility process
 * (the same core `vigil serve` runs; see core-link.ts), opens the window, relays the renderer's API
 * calls over one validated IPC channel (ipc.ts), and shows the core's notifications. Storage,
 * scraping and queries never run on this process's thread, so the window stays responsive.
 */
import { app, BrowserWindow, shell, utilityProcess, Notification } from 'electron';
import * as path from 'node:path';
import type { HostEvent } from '../../common/ipc/messages';
import { defaultDataDir } from '../util/paths';
import { CoreLink, type ChildCore } from './core-link';
import { registerIpc } from './ipc';
import { externalUrlAllowed, isAppUrl, uiHash, windowWebPreferences } from './policy';

let mainWindow: BrowserWindow | null = null;

function appUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev && !app.isPackaged) return dev;
  return new URL(`file://${path.join(__dirname, '../renderer/index.html')}`).toString();
}

function forkCore(): ChildCore {
  // The demo (VIGIL_DEMO=1 or 2) keeps its data in a folder of its own, beside the user's.
  const demo = process.env.VIGIL_DEMO === '1' || process.env.VIGIL_DEMO === '2' ? process.env.VIGIL_DEMO : '';
  const args = ['host', '--data', demo ? `${app.getPath('userData')}-demo` : app.getPath('userData')];
  if (process.env.VIGIL_CONFIG) args.push('--config', process.env.VIGIL_CONFIG);
  if (demo) args.push(`--demo=${demo}`);
  return utilityProcess.fork(path.join(__dirname, 'cli.js'), args, { serviceName: 'Vigil core', stdio: 'inherit' }) as unknown as ChildCore;
}

/** shown keeps the notifications on screen referenced: a collected one loses its click handler. */
const shown = new Set<Notification>();

function onHostEvent(e: HostEvent): void {
  if (e.kind !== 'notification' || !Notification.isSupported()) return;
  const n = new Notification({ title: e.title, body: e.body });
  shown.add(n);
  const forget = (): void => void shown.delete(n);
  n.on('close', forget);
  n.on('click', () => {
    forget();
    if (!mainWindow) createWindow();
    const w = mainWindow;
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
    const hash = uiHash(e.route);
    if (hash !== '') void w.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(hash)}`).catch(() => {});
  });
  n.show();
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

function main(): void {
  app.setPath('userData', defaultDataDir());
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const core = new CoreLink({ fork: forkCore, onEvent: onHostEvent, log: (m) => console.error(m) });
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
    core.start();
    registerIpc(core, appUrl);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => core.shutdown());
}

main();
