/**
 * The desktop shell: the only code that imports electron. It starts the core in a utility process
 * (the same core `vigil serve` runs; see core-link.ts), opens the window, relays the renderer's API
 * calls over one validated IPC channel (ipc.ts), shows the core's notifications (one on screen per
 * alert group) and the number of firing alerts in the tray. Storage,
 * scraping and queries never run on this process's thread, so the window stays responsive.
 */
import { app, BrowserWindow, Menu, nativeImage, shell, Tray, utilityProcess, Notification } from 'electron';
import * as path from 'node:path';
import type { HostEvent } from '../../common/ipc/messages';
import { defaultDataDir } from '../util/paths';
import { CoreLink, type ChildCore } from './core-link';
import { registerIpc } from './ipc';
import { externalUrlAllowed, isAppUrl, uiHash, windowWebPreferences } from './policy';
import { trayIconBitmap, trayState } from './tray-model';

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
  // glibc raises its mmap threshold after each large free, so scrape bodies of megabytes end up in
  // the heap and their pages are never returned: fixed thresholds keep the core's RSS near its use.
  const env = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072', ...process.env };
  return utilityProcess.fork(path.join(__dirname, 'cli.js'), args, { serviceName: 'Vigil core', stdio: 'inherit', env }) as unknown as ChildCore;
}

/** shown keeps the notifications on screen referenced: a collected one loses its click handler. */
const shown = new Set<Notification>();
/** byTag is the notification on screen for each alert group: a newer one replaces it. */
const byTag = new Map<string, Notification>();

let tray: Tray | null = null;
let trayFiring = -1;

function showWindow(route?: string): void {
  if (!mainWindow) createWindow();
  const w = mainWindow;
  if (!w) return;
  if (w.isMinimized()) w.restore();
  w.show();
  w.focus();
  const hash = uiHash(route);
  if (hash !== '') void w.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(hash)}`).catch(() => {});
}

/** updateTray shows the number of firing alerts in the tray (and the app's badge where there is one). */
function updateTray(firing: number): void {
  const st = trayState(firing);
  if (tray === null) {
    try {
      tray = new Tray(trayIcon(false));
      tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: 'Open Vigil', click: () => showWindow() },
          { label: 'Alerts', click: () => showWindow('#/alerts') },
          { type: 'separator' },
          { label: 'Quit', click: () => app.quit() },
        ]),
      );
      tray.on('click', () => showWindow('#/alerts'));
    } catch (e) {
      // Some Linux desktops have no tray; the app works without one.
      console.error(`tray: ${(e as Error).message}`);
      return;
    }
  }
  if ((trayFiring > 0) !== (st.badge > 0)) tray.setImage(trayIcon(st.badge > 0));
  trayFiring = st.badge;
  tray.setToolTip(st.tooltip);
  if (process.platform === 'darwin') tray.setTitle(st.title);
  app.setBadgeCount(st.badge);
}

function trayIcon(firing: boolean): Electron.NativeImage {
  const size = process.platform === 'darwin' ? 18 : 22;
  return nativeImage.createFromBitmap(trayIconBitmap(size, firing), { width: size, height: size });
}

function onHostEvent(e: HostEvent): void {
  if (e.kind === 'alerts') {
    updateTray(e.firing);
    return;
  }
  if (e.kind !== 'notification' || !Notification.isSupported()) return;
  const n = new Notification({ title: e.title, body: e.body });
  shown.add(n);
  if (e.tag !== undefined) {
    byTag.get(e.tag)?.close();
    byTag.set(e.tag, n);
  }
  const forget = (): void => {
    shown.delete(n);
    if (e.tag !== undefined && byTag.get(e.tag) === n) byTag.delete(e.tag);
  };
  n.on('close', forget);
  n.on('click', () => {
    forget();
    showWindow(e.route);
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
    updateTray(0);
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
