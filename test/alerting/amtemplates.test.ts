/**
 * Vigil's notification templates against Alertmanager's own template package: fixtures/amtemplates.json
 * holds template texts and what Alertmanager's ExecuteTextString / ExecuteHTMLString gave for them
 * (its default templates and functions, Go's text/template and html/template) on fixed data, written
 * by fixtures/amtemplates/main.go. Each text must give the same output, or fail with the same error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTemplateSet, notificationData } from '../../src/main/alerting/template/index';
import type { Alert } from '../../src/main/alerting/types';

interface Case {
  text: string;
  html: boolean;
  out: string;
  err: string;
}

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'amtemplates.json'), 'utf8')) as Case[];

const start = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const alert = (pod: string, endsAt: number, summary: string): Alert => ({
  labels: { alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod, severity: 'warning', summary: 'a <b> & c' },
  annotations: { summary, runbook: 'http://rb/?a=1&b=2' },
  startsAt: start,
  endsAt,
  generatorURL: 'http://vigil:9797/graph?g0.expr=up&g0.tab=1',
  updatedAt: start,
  timeout: false,
});
const data = notificationData(
  { receiver: 'team.x', groupKey: '{}:{alertname="KubePodCrashLooping"}', groupLabels: { alertname: 'KubePodCrashLooping' }, now: Date.now(), externalURL: 'http://vigil:9797' },
  [alert('web-1', Date.UTC(2100, 0, 1), 'web-1 <restarts>'), alert('web-2', Date.UTC(2100, 0, 1), 'web-2 & more'), alert('web-3', Date.UTC(2024, 0, 2, 4), 'web-3 restarts')],
);
const set = loadTemplateSet([]);

describe("templates as Alertmanager's template package executes them", () => {
  test.each(cases.map((c) => [c.html ? `html: ${c.text}` : c.text, c] as const))('%s', (_name, c) => {
    let out = '';
    let err = '';
    try {
      out = c.html ? set.executeHTML(c.text, data) : set.execute(c.text, data);
    } catch (e) {
      err = (e as Error).message;
    }
    expect({ out, err }).toEqual({ out: c.out, err: c.err });
  });
});
