/**
 * Configuration (prometheus.yml): loadConfig/parseConfig for text, loadConfigFile and checkConfig
 * for files, and the loaded types.
 */
export * from './types';
export { loadConfig, parseConfig, parseScrapeConfigsFile, staticTargetGroups, expandEnv, defaultHTTPClientConfig, DEFAULT_GLOBAL_CONFIG, DEFAULT_TLS_CONFIG } from './load';
export type { LoadOptions, ParseResult } from './load';
export { loadConfigFile, checkConfig, checkConfigFile, formatCheckConfig } from './check';
export type { CheckConfigResult } from './check';
export { parseBase2Bytes } from './yamlwalk';
