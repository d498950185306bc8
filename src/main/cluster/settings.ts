/**
 * The user's choices about the default jobs, kept in the app's settings file (section `cluster`):
 * the scrape interval of every context's default jobs, and per context another interval and the
 * jobs switched off.
 *
 * ```json
 * "cluster": { "scrapeInterval": "30s", "contexts": { "prod": { "scrapeInterval": "15s", "disabledJobs": ["kubelet-probes"] } } }
 * ```
 */
import { parseDuration } from '../../common/model/time';
import { DEFAULT_INTERVAL, DEFAULT_JOBS, type DefaultJob } from './defaults';

/** ContextJobSettings are one context's choices. */
export interface ContextJobSettings {
  scrapeInterval?: string;
  disabledJobs?: string[];
}

/** ClusterSettings is the `cluster` section of the settings. */
export interface ClusterSettings {
  /** scrapeInterval of the default jobs (default 30s). */
  scrapeInterval?: string;
  contexts?: Record<string, ContextJobSettings>;
}

/** MIN_INTERVAL_MS keeps the default jobs from hammering API servers. */
const MIN_INTERVAL_MS = 1_000;

/** checkInterval validates a scrape interval; throws naming where it was given. */
export function checkInterval(s: string, where: string): string {
  let ms: number;
  try {
    ms = parseDuration(s);
  } catch (e) {
    throw new Error(`${where}: invalid duration ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
  if (ms < MIN_INTERVAL_MS) throw new Error(`${where}: ${s} is shorter than the shortest interval of the default jobs (1s)`);
  return s;
}

/** checkJobs validates a list of default job names. */
export function checkJobs(v: unknown, where: string): DefaultJob[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${where} must be a list of job names`);
  for (const j of v as string[]) if (!DEFAULT_JOBS.includes(j as DefaultJob)) throw new Error(`${where}: unknown job ${JSON.stringify(j)} (one of: ${DEFAULT_JOBS.join(', ')})`);
  return v as DefaultJob[];
}

/** validateClusterSettings checks the parsed section; throws naming the file and the field. */
export function validateClusterSettings(v: unknown, file: string): ClusterSettings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${file}: cluster must be an object`);
  const out: ClusterSettings = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'scrapeInterval') {
      if (typeof x !== 'string') throw new Error(`${file}: cluster.scrapeInterval must be a duration such as "30s"`);
      out.scrapeInterval = checkInterval(x, `${file}: cluster.scrapeInterval`);
    } else if (k === 'contexts') {
      if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${file}: cluster.contexts must map context names to settings`);
      out.contexts = {};
      for (const [name, cs] of Object.entries(x as Record<string, unknown>)) {
        const where = `${file}: cluster.contexts[${JSON.stringify(name)}]`;
        if (typeof cs !== 'object' || cs === null || Array.isArray(cs)) throw new Error(`${where} must be an object`);
        const c: ContextJobSettings = {};
        for (const [f, y] of Object.entries(cs as Record<string, unknown>)) {
          if (f === 'scrapeInterval') {
            if (typeof y !== 'string') throw new Error(`${where}.scrapeInterval must be a duration such as "15s"`);
            c.scrapeInterval = checkInterval(y, `${where}.scrapeInterval`);
          } else if (f === 'disabledJobs') c.disabledJobs = checkJobs(y, `${where}.disabledJobs`);
          else throw new Error(`${where}: unknown setting ${JSON.stringify(f)}`);
        }
        out.contexts[name] = c;
      }
    } else throw new Error(`${file}: unknown setting cluster.${k}`);
  }
  return out;
}

/** intervalFor is the scrape interval of a context's default jobs. */
export function intervalFor(s: ClusterSettings, context: string): string {
  return s.contexts?.[context]?.scrapeInterval ?? s.scrapeInterval ?? DEFAULT_INTERVAL;
}

/** disabledFor are the jobs switched off in a context. */
export function disabledFor(s: ClusterSettings, context: string): Set<string> {
  return new Set(s.contexts?.[context]?.disabledJobs ?? []);
}
