/**
 * The service discovery page's pure logic: active and dropped targets per scrape pool, and the
 * words for the relabel rule that dropped a target (tested in test/renderer/discovery-model.test.ts).
 */
import type { ApiDroppedBy, ApiDroppedTarget, ApiTarget, ApiTargetsData } from '../../../common/api/types';

/** SdPool is one scrape pool's discovered targets. */
export interface SdPool {
  pool: string;
  active: ApiTarget[];
  dropped: ApiDroppedTarget[];
  /** droppedCount is how many targets the pool dropped (Prometheus 3's droppedTargetCounts; may exceed dropped.length). */
  droppedCount: number;
}

/** sdPools groups targets by scrape pool, sorted by name; keep decides which pools to show. */
export function sdPools(d: ApiTargetsData, keep: (pool: string) => boolean = () => true): SdPool[] {
  const m = new Map<string, SdPool>();
  const get = (pool: string): SdPool => {
    let p = m.get(pool);
    if (!p) m.set(pool, (p = { pool, active: [], dropped: [], droppedCount: 0 }));
    return p;
  };
  for (const t of d.activeTargets) if (keep(t.scrapePool)) get(t.scrapePool).active.push(t);
  for (const t of d.droppedTargets) {
    const pool = t.scrapePool ?? t.discoveredLabels.job ?? '';
    if (keep(pool)) get(pool).dropped.push(t);
  }
  for (const [pool, n] of Object.entries(d.droppedTargetCounts ?? {})) if (keep(pool) && (n > 0 || m.has(pool))) get(pool).droppedCount = n;
  for (const p of m.values()) p.droppedCount = Math.max(p.droppedCount, p.dropped.length);
  return [...m.values()].sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : 0));
}

/** ruleText renders a relabel rule as its YAML fields: `action: keep, source_labels: [a, b], regex: "x"`. */
export function ruleText(r: ApiDroppedBy): string {
  const parts = [`action: ${r.action}`];
  if (r.sourceLabels.length > 0) parts.push(`source_labels: [${r.sourceLabels.join(', ')}]`);
  if (r.separator !== ';' && r.sourceLabels.length > 1) parts.push(`separator: ${JSON.stringify(r.separator)}`);
  if (r.action === 'keep' || r.action === 'drop') parts.push(`regex: ${JSON.stringify(r.regex)}`);
  if (r.targetLabel !== '') parts.push(`target_label: ${r.targetLabel}`);
  return parts.join(', ');
}

/**
 * whyDropped says, in words, what the rule tested: the source labels' value (from the discovered
 * labels: an earlier rule may have changed them) against the regex or the target label.
 */
export function whyDropped(r: ApiDroppedBy, discovered: Record<string, string>): string {
  const value = r.sourceLabels.map((n) => discovered[n] ?? '').join(r.separator);
  const v = r.sourceLabels.every((n) => (discovered[n] ?? '') === '') ? (r.sourceLabels.length === 1 ? 'the label is not set' : 'none of them is set') : `discovered value ${JSON.stringify(value)}`;
  switch (r.action) {
    case 'keep':
      return `keeps only targets whose ${r.sourceLabels.join(r.separator) || 'value'} matches ${JSON.stringify(r.regex)}; ${v}`;
    case 'drop':
      return `drops targets whose ${r.sourceLabels.join(r.separator) || 'value'} matches ${JSON.stringify(r.regex)}; ${v}`;
    case 'keepequal':
      return `keeps only targets whose ${r.sourceLabels.join(r.separator)} equals ${r.targetLabel}`;
    case 'dropequal':
      return `drops targets whose ${r.sourceLabels.join(r.separator)} equals ${r.targetLabel}`;
    default:
      return `dropped by ${r.action}`;
  }
}

/** matchesLabels tests a filter (every whitespace-separated term, case-insensitive) against label sets. */
export function matchesLabels(filter: string, ...sets: Record<string, string>[]): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = sets
    .flatMap((s) => Object.entries(s).map(([k, v]) => `${k}="${v}"`))
    .join(' ')
    .toLowerCase();
  return terms.every((t) => hay.includes(t));
}
