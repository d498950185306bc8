/**
 * File patterns as Prometheus allows them in rule_files, scrape_config_files and file_sd_configs:
 * the last path element may contain `*` and `?`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** globFiles expands a pattern whose last element may contain `*` and `?`; sorted, existing files only. */
export function globFiles(pattern: string): string[] {
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return fs.existsSync(pattern) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const re = new RegExp('^' + base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
}
