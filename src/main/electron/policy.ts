/**
 * Security policy of the desktop shell as pure data and functions (no electron import), so it is
 * unit-tested in plain Node: window options, IPC sender validation, navigation and external links.
 */

/** windowWebPreferences returns the renderer's webPreferences: isolated, sandboxed, no Node. */
export function windowWebPreferences(preloadPath: string): {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  webSecurity: true;
  webviewTag: false;
  spellcheck: false;
} {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * isAppUrl reports whether url belongs to the app: the packaged renderer file (same file URL as
 * the app's index) or, in development, the dev server's origin. Compares parsed origins/paths,
 * never string prefixes.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
  return u.origin === app.origin;
}

/** SenderInfo is what the IPC router knows about a message's sender. */
export interface SenderInfo {
  url: string;
  isMainFrame: boolean;
}

/** validateSender accepts IPC only from the main frame of an app page. */
export function validateSender(sender: SenderInfo | null, appUrl: string): string | null {
  if (!sender) return 'no sender frame';
  if (!sender.isMainFrame) return 'sender is not the main frame';
  if (!isAppUrl(sender.url, appUrl)) return `sender origin not allowed: ${sender.url.slice(0, 200)}`;
  return null;
}

/** EXTERNAL_HOSTS are the sites links may open in the user's browser. */
export const EXTERNAL_HOSTS = ['prometheus.io', 'github.com', 'kubernetes.io'];

/** externalUrlAllowed reports whether a link may be opened with shell.openExternal. */
export function externalUrlAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_HOSTS.some((h) => u.hostname === h || u.hostname.endsWith(`.${h}`));
  } catch {
    return false;
  }
}

/** uiHash turns a notification's route into the window's location hash ('' when it is not a UI route). */
export function uiHash(route: string | undefined): string {
  if (!route || !(route.startsWith('#/') || route.startsWith('/'))) return '';
  const h = route.startsWith('#') ? route : `#${route}`;
  return /^#\/[\w\-./?=&%+~:,;@!*'()]*$/.test(h) ? h : '';
}
