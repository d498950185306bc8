/**
 * Inhibition (inhibit/inhibit.go): an alert matching a rule's target matchers is muted while an
 * alert matching its source matchers fires with the same values of the rule's `equal` labels (a
 * label missing on both counts as equal). When the target also matches the source side, sources
 * that also match the target side are disregarded, so such an alert never inhibits itself or its
 * peers. Also the label-set fingerprint Alertmanager identifies alerts by.
 */
import { matches } from './matchers';
import type { Alert, InhibitRule, LabelSet } from './types';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;
const encoder = new TextEncoder();

function fnvAdd(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
  return h;
}

/** fingerprint is Go's model.LabelSet.Fingerprint as 16 hex digits (FNV-1a over sorted name, 0xff, value, 0xff). */
export function fingerprint(labels: LabelSet): string {
  let h = FNV_OFFSET;
  const sep = new Uint8Array([0xff]);
  for (const n of Object.keys(labels).sort()) {
    h = fnvAdd(h, encoder.encode(n));
    h = fnvAdd(h, sep);
    h = fnvAdd(h, encoder.encode(labels[n]!));
    h = fnvAdd(h, sep);
  }
  return h.toString(16).padStart(16, '0');
}

/** resolved reports whether an alert has ended at now (Alertmanager's Alert.Resolved). */
export function resolvedAt(a: Alert, now: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= now;
}

/** Inhibitor answers which firing alerts inhibit a target, over the alerts the store currently holds. */
export class Inhibitor {
  constructor(
    readonly rules: readonly InhibitRule[],
    private readonly alerts: () => Iterable<Alert>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * inhibitedBy returns the fingerprints of the firing alerts that inhibit an alert with these
   * labels, sorted and without duplicates (Alertmanager reports the first one it finds; every one
   * is listed here). Empty when nothing inhibits it.
   */
  inhibitedBy(labels: LabelSet): string[] {
    const now = this.now();
    const out = new Set<string>();
    let firing: Alert[] | null = null;
    for (const r of this.rules) {
      if (!matches(r.targetMatchers, labels)) continue;
      const twoSided = matches(r.sourceMatchers, labels);
      firing ??= [...this.alerts()].filter((a) => !resolvedAt(a, now));
      for (const a of firing) {
        if (!matches(r.sourceMatchers, a.labels)) continue;
        if (!r.equal.every((n) => (a.labels[n] ?? '') === (labels[n] ?? ''))) continue;
        if (twoSided && matches(r.targetMatchers, a.labels)) continue;
        out.add(fingerprint(a.labels));
      }
    }
    return [...out].sort();
  }

  /** mutes reports whether an alert with these labels is inhibited now. */
  mutes(labels: LabelSet): boolean {
    return this.inhibitedBy(labels).length > 0;
  }
}
