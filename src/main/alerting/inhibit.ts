/**
 * Inhibition (inhibit/inhibit.go): an alert matching a rule's target matchers is muted while an
 * alert matching its source matchers fires with the same values of the rule's `equal` labels (a
 * label missing on both counts as equal). When the target also matches the source side, sources
 * that also match the target side are disregarded, so such an alert never inhibits itself or its
 * peers.
 */
import { fingerprint, resolvedAt } from './alerts';
import { matches } from './matchers';
import type { Alert, InhibitRule, LabelSet } from './types';

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
