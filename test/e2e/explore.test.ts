/**
 * Explore end to end on `vigil serve --demo`: completion of metric names from the API, a Graph
 * whose series are the API's, a Table with the API's values, errors marked where the API says,
 * CSV downloads equal to the API's result and byte-equal to `vigil query --format csv`, the URL
 * round trip, and a screenshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess, type Envelope } from './helpers';

type Sample = { metric: Record<string, string>; value: [number, string] };
type Series = { metric: Record<string, string>; values: [number, string][] };

const QUERY = 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))';

let vigil: VigilProcess;
let browser: Browser;
let demoData = '';
/** A fixed range in the past (ms), so the page, the API and the CLI evaluate the same thing. */
let from = 0;
let to = 0;

function metricText(m: Record<string, string>): string {
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${m[k]}"`);
  return rest.length === 0 ? m.__name__ ?? '{}' : `${m.__name__ ?? ''}{${rest.join(', ')}}`;
}

/** parseCsv reads RFC 4180 CSV (quoted fields, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(f), rows.push(row), (row = []), (f = ''), i++;
    } else f += c;
  }
  if (f !== '' || row.length > 0) row.push(f), rows.push(row);
  return rows;
}

/** setQuery replaces editor i's text (insertText: no auto-closed brackets) and runs it. */
async function setQuery(page: Page, text: string, i = 0): Promise<void> {
  await page.click(`[data-testid=editor-${i}] .cm-content`);
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
}

async function post<T>(route: string, params: Record<string, string>): Promise<Envelope<T>> {
  const r = await fetch(`${vigil.url}${route}`, { method: 'POST', body: new URLSearchParams(params) });
  return (await r.json()) as Envelope<T>;
}

function cliCsv(args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin', 'vigil.js'), 'query', '--format', 'csv', '--data', demoData, ...args], { cwd: ROOT, encoding: 'utf8' });
}

async function download(page: Page, item: string): Promise<string> {
  const wait = page.waitForEvent('download');
  await page.click('[data-testid=export-menu]');
  await page.click(`[data-testid=${item}]`);
  const d = await wait;
  return fs.readFileSync(await d.path(), 'utf8');
}

beforeAll(async () => {
  vigil = await startVigil(['--demo']);
  demoData = /data in (\S+) \(your own/.exec(vigil.output())?.[1] ?? vigil.dataDir;
  browser = await launchChromium();
  await waitFor(async () => (/demo: wrote \d+ samples of history/.test(vigil.output()) ? true : undefined), 90_000, 'the backfill');
  // 30 minutes ending 2 minutes ago, on whole seconds.
  to = Math.floor(Date.now() / 1000 - 120) * 1000;
  from = to - 30 * 60_000;
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe('Explore', () => {
  it('completes metric names from the API', async () => {
    const names = await getJson<Envelope<string[]>>(`${vigil.url}/api/v1/label/__name__/values`);
    const expected = names.data.filter((n) => n.startsWith('container_cpu_usa'));
    expect(expected.length).toBeGreaterThan(0);
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/explore`);
    await page.click('[data-testid=editor-0] .cm-content');
    await page.keyboard.type('container_cpu_usa');
    await page.waitForSelector('.cm-tooltip-autocomplete .cm-completionLabel', { timeout: 10_000 });
    const shown = await page.$$eval('.cm-tooltip-autocomplete .cm-completionLabel', (els) => els.map((e) => e.textContent ?? ''));
    expect(shown).toEqual(expect.arrayContaining(expected));
    // Accepting the completion writes the name into the editor.
    await page.keyboard.press('Enter');
    expect(await page.textContent('[data-testid=editor-0] .cm-content')).toBe(expected[0]);
    await page.close();
  });

  it('graphs the API range result and tables the API instant result', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${vigil.url}/#/explore?from=${from}&to=${to}`);
    await setQuery(page, QUERY);
    const stats = await page.waitForSelector('[data-testid=explore-stats][data-step]', { timeout: 20_000 });
    const [start, end, step] = await Promise.all(['data-start', 'data-end', 'data-step'].map((a) => stats.getAttribute(a)));
    expect(Number(end) - Number(start)).toBeGreaterThan(1700);
    const api = await post<{ result: Series[] }>('/api/v1/query_range', { query: QUERY, start: start!, end: end!, step: step! });
    expect(api.data.result.length).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('[data-testid=chart]', 'data-series'))).toBe(api.data.result.length);
    expect(Number(await stats.getAttribute('data-series'))).toBe(api.data.result.length);
    expect((await page.$$eval('[data-testid=chart-legend] .legend-label', (e) => e.map((x) => x.textContent))).sort()).toEqual(api.data.result.map((s) => metricText(s.metric)).sort());
    await page.screenshot({ path: path.join(ROOT, process.env.VIGIL_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results', 'explore.png') });

    // Range CSV: the API's points exactly, and the bytes `vigil query --format csv` prints.
    const rangeCsv = await download(page, 'export-csv-range');
    expect(rangeCsv).toBe(cliCsv(['--start', start!, '--end', end!, '--step', step!, QUERY]));
    const rows = parseCsv(rangeCsv);
    expect(rows[0]).toEqual(['namespace', 'timestamp', 'value']);
    expect(rows.slice(1)).toEqual(api.data.result.flatMap((s) => s.values.map(([t, v]) => [s.metric.namespace!, String(t), v])));
    const wide = parseCsv(await download(page, 'export-csv-wide'));
    expect(wide[0]!.slice(1).sort()).toEqual(api.data.result.map((s) => metricText(s.metric)).sort());

    // Table: the instant query at the range's end.
    await page.click('[data-testid=view-table]');
    const tstats = await page.waitForSelector('[data-testid=explore-stats][data-time]', { timeout: 20_000 });
    const time = (await tstats.getAttribute('data-time'))!;
    expect(Number(time)).toBe(to / 1000);
    const inst = await post<{ result: Sample[] }>('/api/v1/query', { query: QUERY, time });
    const table = await page.$$eval('[data-testid=explore-table] tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-series'), tr.getAttribute('data-value')]));
    expect(table.sort()).toEqual(inst.data.result.map((s) => [metricText(s.metric), s.value[1]]).sort());

    const instantCsv = await download(page, 'export-csv-instant');
    expect(instantCsv).toBe(cliCsv(['--time', time, QUERY]));
    expect(parseCsv(instantCsv)).toEqual([['namespace', 'timestamp', 'value'], ...inst.data.result.map((s) => [s.metric.namespace!, String(s.value[0]), s.value[1]])]);
    await page.close();
  });

  it('marks `sum(` and `rate(foo[5m]` where the API says the error is', async () => {
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/explore?view=table`);
    for (const [q, at] of [['sum(', 4], ['rate(foo[5m]', 12]] as const) {
      const api = await post<{ position: { start: number } }>('/api/v1/query', { query: q });
      expect(api.status).toBe('error');
      expect(api.data.position.start).toBe(at);
      await setQuery(page, q);
      await page.waitForFunction((e) => document.querySelector('[data-testid=query-error-0]')?.textContent?.includes(e), api.error!.replace(/^invalid parameter "query": /, ''), { timeout: 10_000 });
      expect(await page.getAttribute('[data-testid=editor-0]', 'data-error-from')).toBe(String(at));
      // The marker sits in the text right after the first `at` characters.
      const before = await page.evaluate(() => {
        const content = document.querySelector('[data-testid=editor-0] .cm-content')!;
        const caret = content.querySelector('[data-testid=editor-error-caret]');
        if (!caret) return null;
        const r = document.createRange();
        r.setStart(content, 0);
        r.setEndBefore(caret);
        return r.toString();
      });
      expect(before).toBe(q.slice(0, at));
    }
    await page.close();
  });

  it('restores queries, legends, view and unit from the URL; keeps a history', async () => {
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/explore?from=${from}&to=${to}`);
    await setQuery(page, 'sum by (namespace) (kube_pod_info)');
    await page.fill('[data-testid=legend-0]', '{{namespace}}');
    await page.click('[data-testid=add-query]');
    await setQuery(page, 'count(up)', 1);
    await page.click('[data-testid=view-table]');
    await page.selectOption('[data-testid=unit]', 'bytes');
    await page.waitForSelector('[data-testid=explore-table]');
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]);
    expect([hash.get('q0'), hash.get('l0'), hash.get('q1'), hash.get('view'), hash.get('unit')]).toEqual(['sum by (namespace) (kube_pod_info)', '{{namespace}}', 'count(up)', 'table', 'bytes']);
    await page.reload();
    await page.waitForSelector('[data-testid=explore-table]');
    expect(await page.textContent('[data-testid=editor-0] .cm-content')).toBe('sum by (namespace) (kube_pod_info)');
    expect(await page.textContent('[data-testid=editor-1] .cm-content')).toBe('count(up)');
    expect(await page.inputValue('[data-testid=legend-0]')).toBe('{{namespace}}');
    expect(await page.getAttribute('[data-testid=view-table]', 'aria-selected')).toBe('true');
    expect(await page.inputValue('[data-testid=unit]')).toBe('bytes');
    // Both queries' rows are in the table (a query column tells them apart).
    expect(await page.$$eval('[data-testid=explore-table] thead th', (t) => t.map((x) => x.textContent))).toContain('query');
    await page.click('[data-testid=history]');
    const hist = await page.$$eval('[data-testid=history-list] button', (b) => b.map((x) => x.textContent));
    expect(hist.slice(0, 2).sort()).toEqual(['count(up)', 'sum by (namespace) (kube_pod_info)'].sort());
    await page.close();
  });
});
