/** The receivers card's pure logic (tested in test/renderer/alerting-settings.test.ts). */
import type { AlertmanagerConfigProblem, ReceiverIntegrationState, TestResult } from '../../../common/api/alerting';

export type IntegrationHealth = 'never' | 'ok' | 'failing';

/** integrationHealth: never tried, last attempt fine, or the last attempt failed. */
export function integrationHealth(i: ReceiverIntegrationState): IntegrationHealth {
  if (!i.lastAttempt) return 'never';
  return i.lastError ? 'failing' : 'ok';
}

/** integrationLabel names an integration as Alertmanager's logs do: `webhook[0]`. */
export function integrationLabel(i: { name: string; index: number }): string {
  return `${i.name}[${i.index}]`;
}

/** testOutcome sums up a test notification: "2 of 2 integrations accepted it" or which failed. */
export function testOutcome(results: readonly TestResult[]): { ok: boolean; text: string } {
  if (results.length === 0) return { ok: false, text: 'The receiver has no integrations: nothing was sent.' };
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) return { ok: true, text: `${results.length} of ${results.length} integration${results.length === 1 ? '' : 's'} accepted the test notification.` };
  return { ok: false, text: `${bad.length} of ${results.length} failed: ${bad.map((r) => `${integrationLabel(r)}: ${r.error ?? 'failed'}`).join('; ')}` };
}

/** problemText renders one problem of alertmanager.yml with its line and path when known. */
export function problemText(p: AlertmanagerConfigProblem | string): string {
  if (typeof p === 'string') return p;
  const where = [p.line !== undefined ? `line ${p.line}` : '', p.path ?? ''].filter(Boolean).join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}
