/**
 * Reading configuration files from disk: loadConfigFile (for `vigil serve --config`) and
 * checkConfig (for `vigil check config FILE`, reporting like promtool, including files the
 * configuration refers to that do not exist).
 */
import * as fs from 'node:fs';
import { parseConfig, parseScrapeConfigsFile } from './load';
import type { LoadOptions } from './load';
import { ConfigError, formatIssue } from './types';
import { globFiles } from '../util/glob';
import { discoveryKind } from '../discovery/providers';
import type { ConfigIssue, HTTPClientConfig, VigilConfig } from './types';
import type { SDConfig } from '../discovery/targetgroup';

/** CheckConfigResult is the outcome of checking one configuration file. */
export interface CheckConfigResult {
  file: string;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** ruleFiles are the rule files the configuration's rule_files patterns match. */
  ruleFiles: string[];
  config: VigilConfig | null;
}

/** loadConfigFile reads, parses and validates a configuration file and its scrape_config_files. Throws ConfigError. */
export function loadConfigFile(file: string, opts: LoadOptions = {}): VigilConfig {
  const r = readAndParse(file, opts);
  if (r.errors.length > 0 || r.config === null) throw new ConfigError(r.errors);
  return r.config;
}

function readAndParse(file: string, opts: LoadOptions): { config: VigilConfig | null; errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { config: null, errors: [{ file, line: 0, column: 0, message: (e as Error).message }], warnings: [] };
  }
  const r = parseConfig(text, file, opts);
  if (r.config === null) return r;
  const errors: ConfigIssue[] = [];
  const warnings = [...r.warnings];
  const jobs = new Set(r.config.scrapeConfigs.map((s) => s.jobName));
  for (const pat of r.config.scrapeConfigFiles) {
    for (const f of globFiles(pat)) {
      let t: string;
      try {
        t = fs.readFileSync(f, 'utf8');
      } catch (e) {
        errors.push({ file: f, line: 0, column: 0, message: (e as Error).message });
        continue;
      }
      const sub = parseScrapeConfigsFile(t, f, r.config.global);
      errors.push(...sub.errors);
      warnings.push(...sub.warnings);
      for (const sc of sub.scrapeConfigs) {
        if (jobs.has(sc.jobName)) {
          errors.push({ file: f, line: 0, column: 0, message: `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}` });
          continue;
        }
        jobs.add(sc.jobName);
        r.config.scrapeConfigs.push(sc);
      }
    }
  }
  r.config.warnings = warnings;
  return { config: errors.length === 0 ? r.config : null, errors, warnings };
}

/** checkConfig checks a configuration file as `promtool check config` does. */
export function checkConfig(file: string, opts: LoadOptions = {}): CheckConfigResult {
  const r = readAndParse(file, opts);
  const result: CheckConfigResult = { file, errors: r.errors, warnings: r.warnings, ruleFiles: [], config: r.config };
  const cfg = r.config;
  if (cfg === null) return result;
  const missing = (f: string, what: string): void => {
    if (f !== '' && !fs.existsSync(f)) result.errors.push({ file, line: 0, column: 0, message: `error checking ${what} ${JSON.stringify(f)}: file does not exist` });
  };
  const checkHTTP = (c: HTTPClientConfig): void => {
    missing(c.tlsConfig.caFile, 'CA file');
    missing(c.tlsConfig.certFile, 'client cert file');
    missing(c.tlsConfig.keyFile, 'client key file');
    if (c.basicAuth) {
      missing(c.basicAuth.passwordFile, 'password file');
      missing(c.basicAuth.usernameFile, 'username file');
    }
    if (c.authorization) missing(c.authorization.credentialsFile, 'credentials file');
  };
  const checkSD = (list: readonly SDConfig[]): void => {
    for (const c of list) for (const f of discoveryKind(c.kind)?.files?.(c) ?? []) missing(f.path, f.what);
  };
  for (const pat of cfg.ruleFiles) result.ruleFiles.push(...globFiles(pat));
  for (const sc of cfg.scrapeConfigs) {
    checkHTTP(sc.httpClient);
    checkSD(sc.sdConfigs);
  }
  for (const am of cfg.alerting.alertmanagers) {
    checkHTTP(am.httpClient);
    checkSD(am.sdConfigs);
  }
  if (result.errors.length > 0) result.config = null;
  return result;
}

/** checkConfigFile returns the problems of a configuration file as `file:line:col: message` lines (empty when valid). */
export function checkConfigFile(file: string): string[] {
  return checkConfig(file).errors.map(formatIssue);
}

/** formatCheckConfig renders a check result like promtool: `Checking FILE`, then SUCCESS or FAILED lines. */
export function formatCheckConfig(r: CheckConfigResult): string {
  let out = `Checking ${r.file}\n`;
  for (const w of r.warnings) out += `  WARNING: ${formatIssue(w)}\n`;
  if (r.errors.length > 0) {
    out += `  FAILED:\n`;
    for (const e of r.errors) out += `    ${formatIssue(e)}\n`;
    return out;
  }
  out += `  SUCCESS: ${r.ruleFiles.length} rule files found\n`;
  out += `  SUCCESS: ${r.file} is valid prometheus config file syntax\n`;
  return out;
}
