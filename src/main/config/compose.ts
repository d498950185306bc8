/**
 * Composing the configuration that runs: the user's prometheus.yml (or Vigil's default) plus
 * generated scrape configs (the default jobs of the monitored Kubernetes contexts). The user's
 * file is kept as written; a generated scrape config whose job_name the user's file also has is
 * left out, so copying a default job into the file and editing it overrides it.
 */
import { parseDocument, stringify } from 'yaml';

/** Composed is the composed YAML and what it did. */
export interface Composed {
  yaml: string;
  /** added are the job names of the generated scrape configs included. */
  added: string[];
  /** overridden are generated job names the user's file replaces. */
  overridden: string[];
}

function asList(yaml: string, what: string): Record<string, unknown>[] {
  if (yaml.trim() === '') return [];
  const v = parseDocument(yaml).toJS() as unknown;
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`internal: ${what} are not a list of scrape configs`);
  return v as Record<string, unknown>[];
}

/** withScrapeConfigs appends generated scrape configs (YAML list text) to a configuration's YAML. */
export function withScrapeConfigs(configYaml: string, generatedListYaml: string): Composed {
  const base = (parseDocument(configYaml).toJS() ?? {}) as Record<string, unknown>;
  const existing = Array.isArray(base.scrape_configs) ? (base.scrape_configs as Record<string, unknown>[]) : [];
  const taken = new Set(existing.map((s) => String(s?.job_name ?? '')));
  const added: string[] = [];
  const overridden: string[] = [];
  const extra: Record<string, unknown>[] = [];
  for (const s of asList(generatedListYaml, 'generated scrape configs')) {
    const name = String(s.job_name ?? '');
    if (taken.has(name)) {
      overridden.push(name);
      continue;
    }
    taken.add(name);
    added.push(name);
    extra.push(s);
  }
  if (extra.length === 0) return { yaml: configYaml, added, overridden };
  return { yaml: stringify({ ...base, scrape_configs: [...existing, ...extra] }), added, overridden };
}
