/**
 * The host: the composition root that wires the subsystems into a running core for serve mode and
 * for the desktop app's core process. See README.md.
 */
export { startCore, defaultConfigYaml } from './core';
export type { Core, CoreOptions } from './core';
export { serveShell } from './desktop';
export type { ParentPort } from './desktop';
export { prepareDataDir, readServerInfo, writeServerInfo, DataDirError, SERVER_FILE } from './datadir';
export type { ServerInfo } from './datadir';
export { SettingsStore, SETTINGS_FILE, DEFAULT_RETENTION_SIZE, DEFAULT_RETENTION_TIME, parseRetentionSize, parseRetentionTime } from './settings';
export type { Settings, Retention } from './settings';
