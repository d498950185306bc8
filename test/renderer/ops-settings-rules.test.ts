import { describe, expect, it } from 'vitest';
import { ruleFilesFromYaml } from '../../src/renderer/pages/rules/model';
import { intervalError, sameSet, toggle } from '../../src/renderer/pages/settings/model';

describe('rule files of a configuration', () => {
  it('reads a block list, quoted entries and comments, and stops at the next key', () => {
    const y = ['global:', '  scrape_interval: 15s', 'rule_files:  # the rules', '  - rules/*.yml', "  - 'alerts.yml'", '  # - old.yml', '  - "x #1.yml"', 'scrape_configs:', '  - job_name: a'].join('\n');
    expect(ruleFilesFromYaml(y)).toEqual(['rules/*.yml', 'alerts.yml', 'x #1.yml']);
  });

  it('reads a block list at column 0 and a flow list', () => {
    expect(ruleFilesFromYaml('rule_files:\n- a.yml\n- b.yml\nscrape_configs: []\n')).toEqual(['a.yml', 'b.yml']);
    expect(ruleFilesFromYaml('rule_files: [a.yml, "b c.yml"]\n')).toEqual(['a.yml', 'b c.yml']);
    expect(ruleFilesFromYaml('rule_files: [\n  a.yml,\n  b.yml\n]\n')).toEqual(['a.yml', 'b.yml']);
  });

  it('has none when the key is absent, empty or nested', () => {
    expect(ruleFilesFromYaml('global: {}\n')).toEqual([]);
    expect(ruleFilesFromYaml('rule_files: []\n')).toEqual([]);
    expect(ruleFilesFromYaml('rule_files:\nscrape_configs: []\n')).toEqual([]);
    expect(ruleFilesFromYaml('x:\n  rule_files:\n    - a.yml\n')).toEqual([]);
  });
});

describe('settings model', () => {
  it('accepts Prometheus durations and the empty default, refuses others', () => {
    for (const ok of ['', '15s', '1m', '1m30s', '2h', '500ms']) expect(intervalError(ok)).toBeNull();
    expect(intervalError('15')).toMatch(/not a duration/);
    expect(intervalError('fast')).toMatch(/not a duration/);
    expect(intervalError('0s')).toMatch(/more than 0/);
  });

  it('toggles names and compares sets', () => {
    expect(toggle(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggle(['b'], 'a', true)).toEqual(['b', 'a']);
    expect(toggle(['a'], 'a', true)).toEqual(['a']);
    expect(sameSet(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
  });
});
