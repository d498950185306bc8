import { describe, expect, it } from 'vitest';
import { integrationHealth, integrationLabel, problemText, testOutcome } from '../../src/renderer/pages/settings/receivers-model';
import { lineCount, lineRange, offsetOf, pickFile, saveErrors, sortErrors, starterRules } from '../../src/renderer/pages/rules/editor-model';

describe('receivers', () => {
  it('tells never tried, fine and failing apart', () => {
    const i = { name: 'webhook', index: 1, sendResolved: true, lastAttempt: null, lastError: null, failures: 0 };
    expect(integrationHealth(i)).toBe('never');
    expect(integrationHealth({ ...i, lastAttempt: 5 })).toBe('ok');
    expect(integrationHealth({ ...i, lastAttempt: 5, lastError: 'connection refused', failures: 2 })).toBe('failing');
    expect(integrationLabel(i)).toBe('webhook[1]');
  });
  it('sums up a test notification', () => {
    expect(testOutcome([])).toEqual({ ok: false, text: 'The receiver has no integrations: nothing was sent.' });
    expect(testOutcome([{ name: 'webhook', index: 0, ok: true }, { name: 'email', index: 0, ok: true }])).toEqual({ ok: true, text: '2 of 2 integrations accepted the test notification.' });
    expect(testOutcome([{ name: 'webhook', index: 0, ok: true }, { name: 'slack', index: 1, ok: false, error: 'HTTP 500' }])).toEqual({ ok: false, text: '1 of 2 failed: slack[1]: HTTP 500' });
  });
  it('renders problems with their line and path', () => {
    expect(problemText({ path: 'receivers[0].webhook_configs[0].url', line: 12, message: 'missing url' })).toBe('line 12, receivers[0].webhook_configs[0].url: missing url');
    expect(problemText({ message: 'bad' })).toBe('bad');
    expect(problemText('plain')).toBe('plain');
  });
});

describe('rule editor', () => {
  const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n';
  it('counts lines and finds line:column offsets, clamped to the line and the text', () => {
    expect(lineCount(text)).toBe(5);
    expect(lineCount('')).toBe(1);
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(text.slice(offsetOf(text, 2, 3))).toMatch(/^- name: g/);
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf('\n', 8));
    expect(offsetOf(text, 99, 1)).toBe(text.length);
    const [s, e] = lineRange(text, 4);
    expect(text.slice(s, e)).toBe('      - alert: A');
  });
  it('reads the errors of a refused save, sorted, or the message alone', () => {
    expect(saveErrors({ status: 'success', data: {} })).toEqual([]);
    expect(
      saveErrors({ status: 'error', errorType: 'bad_data', error: 'invalid', data: { errors: [{ line: 9, column: 3, message: 'b' }, { line: 2, column: 7, message: 'a' }] } }),
    ).toEqual([
      { line: 2, column: 7, message: 'a' },
      { line: 9, column: 3, message: 'b' },
    ]);
    expect(saveErrors({ status: 'error', errorType: 'bad_data', error: 'path not writable' })).toEqual([{ line: 0, column: 0, message: 'path not writable' }]);
    expect(sortErrors([{ line: 1, column: 5, message: 'x' }, { line: 1, column: 2, message: 'y' }]).map((e) => e.message)).toEqual(['y', 'x']);
  });
  it('lists the starter file’s rules with their groups', () => {
    const starter = [
      'groups:',
      '  - name: node',
      '    rules:',
      '      - alert: NodeDown  # the node is gone',
      '        expr: up == 0',
      '        annotations:',
      '          name: not a group',
      '      - record: "node:cpu:rate5m"',
      '  - name: "pods"',
      '    rules:',
      "      - alert: 'PodCrashLooping'",
      '',
    ].join('\n');
    expect(starterRules(starter)).toEqual([
      { kind: 'alert', name: 'NodeDown', group: 'node' },
      { kind: 'record', name: 'node:cpu:rate5m', group: 'node' },
      { kind: 'alert', name: 'PodCrashLooping', group: 'pods' },
    ]);
  });
  it('opens the named file, else the first editable one', () => {
    const f = (path: string, editable: boolean) => ({ path, name: path, source: 'user' as const, editable, text: '' });
    const files = [f('a', false), f('b', true), f('c', true)];
    expect(pickFile(files, 'c')?.path).toBe('c');
    expect(pickFile(files, '')?.path).toBe('b');
    expect(pickFile([f('a', false)], 'x')?.path).toBe('a');
    expect(pickFile([], '')).toBeNull();
  });
});
