/**
 * The completion source of the PromQL editor: codemirror-promql's PrometheusClient interface on top
 * of VigilClient, so completion asks Vigil's API through the same typed client as everything else
 * (IPC in the desktop app, where there is no HTTP origin to fetch from; HTTP in serve mode). The
 * library never fetches by itself. Answers are cached for a short while: completion asks on every
 * keystroke.
 */
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import type { VigilClient } from '../../common/ipc/client';

/** MatcherLike is a label matcher as the library hands it over (type: a lezer-promql node id). */
export interface MatcherLike {
  type: number;
  name: string;
  value: string;
}

/** MatchOps maps the lezer node ids of `=`, `!=`, `=~`, `!~` to their text. */
export type MatchOps = Record<number, string>;

function quote(v: string): string {
  return JSON.stringify(v);
}

/**
 * selectorOf renders a metric name and matchers as a series selector for `match[]`, leaving out the
 * matcher of the label being completed and empty ones (as the library's own HTTP client does);
 * '' when nothing selects.
 */
export function selectorOf(metricName: string | undefined, matchers: readonly MatcherLike[] | undefined, ops: MatchOps, skipLabel?: string): string {
  const parts: string[] = [];
  for (const m of matchers ?? []) {
    if (m.name === skipLabel || m.value === '' || m.name === '') continue;
    const op = ops[m.type];
    if (!op) continue;
    parts.push(`${/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name) ? m.name : quote(m.name)}${op}${quote(m.value)}`);
  }
  const name = metricName ?? '';
  if (parts.length === 0) return name;
  return `${name}{${parts.join(',')}}`;
}

interface MetricMetadata {
  type: string;
  help: string;
}

/** VigilPrometheusClient answers the editor's completion from Vigil's API. */
export class VigilPrometheusClient implements PrometheusClient {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly client: VigilClient,
    private readonly ops: MatchOps,
    private readonly ttlMs = 30_000,
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load().catch((e: unknown) => {
      this.cache.delete(key);
      throw e;
    });
    this.cache.set(key, { at: now, value });
    return value;
  }

  labelNames(metricName?: string): Promise<string[]> {
    const match = metricName ? [metricName] : undefined;
    return this.cached(`names\u0000${metricName ?? ''}`, async () => {
      const r = await this.client.labelNames(match);
      return r.status === 'success' ? r.data : [];
    });
  }

  labelValues(labelName: string, metricName?: string, matchers?: MatcherLike[]): Promise<string[]> {
    const sel = selectorOf(metricName, matchers, this.ops, labelName);
    return this.cached(`values\u0000${labelName}\u0000${sel}`, async () => {
      const r = await this.client.labelValues(labelName, sel ? [sel] : undefined);
      return r.status === 'success' ? r.data : [];
    });
  }

  metricMetadata(): Promise<Record<string, MetricMetadata[]>> {
    return this.cached('metadata', async () => {
      const r = await this.client.metadata();
      if (r.status !== 'success') return {};
      const out: Record<string, MetricMetadata[]> = {};
      for (const [k, v] of Object.entries(r.data)) out[k] = v.map((m) => ({ type: m.type, help: m.help }));
      return out;
    });
  }

  series(metricName: string, matchers?: MatcherLike[], labelName?: string): Promise<Map<string, string>[]> {
    const sel = selectorOf(metricName, matchers, this.ops, labelName);
    if (!sel) return Promise.resolve([]);
    return this.cached(`series\u0000${sel}`, async () => {
      const r = await this.client.series([sel]);
      return r.status === 'success' ? r.data.map((s) => new Map(Object.entries(s))) : [];
    });
  }

  /** metricNames lists every metric name; the editor filters them against what was typed. */
  metricNames(): Promise<string[]> {
    return this.cached('metrics', async () => {
      const r = await this.client.labelValues('__name__');
      return r.status === 'success' ? r.data : [];
    });
  }

  flags(): Promise<Record<string, string>> {
    return this.cached('flags', async () => {
      const r = await this.client.flags();
      return r.status === 'success' ? r.data : {};
    });
  }

  destroy(): void {
    this.cache.clear();
  }
}
