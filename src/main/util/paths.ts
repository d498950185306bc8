/**
 * Where Vigil keeps its data: the OS's per-user application-data folder, the same one Electron's
 * app.getPath('userData') gives for an app named "Vigil" (the desktop shell sets it explicitly to
 * this value so both modes share one store).
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** APP_DIR_NAME is the folder name under the OS's app-data root. */
export const APP_DIR_NAME = 'Vigil';

/** defaultDataDir returns the per-user data folder (not created). VIGIL_DATA overrides it. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VIGIL_DATA) return env.VIGIL_DATA;
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
  }
}

/** demoDataDir is demo mode's own data folder, beside the real one (the demo never writes into the user's store). */
export function demoDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return `${defaultDataDir(env, platform)}-demo`;
}

/** DATABASE_FILE is the store's file name inside the data folder. */
export const DATABASE_FILE = 'vigil.db';
