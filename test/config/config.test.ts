import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig, checkConfigFile, ConfigError, formatCheckConfig, formatIssue, loadConfig, loadConfigFile, parseBase2Bytes, parseConfig, staticTargetGroups } from '../../src/main/config/index';

function errorsOf(text: string, file = 'prometheus.yml'): string[] {
  return parseConfig(text, file, { env: {} }).errors.map(formatIssue);
}

describe('defaults', () => {
  it('an empty file is the default configuration', () => {
    const c = loadConfig('', 'p.yml');
    expect(c.global.scrapeInterval).toBe(60_000);
    expect(c.global.scrapeTimeout).toBe(10_000);
    expect(c.global.evaluationInterval).toBe(60_000);
    expect(c.global.metricNameValidationScheme).toBe('utf8');
    expect(c.scrapeConfigs).toEqual([]);
  });

  it('an empty global block keeps the defaults', () => {
    expect(loadConfig('global:\n', 'p.yml').global.scrapeInterval).toBe(60_000);
    expect(loadConfig('global: {}\n', 'p.yml').global.scrapeTimeout).toBe(10_000);
  });

  it('scrape configs get Prometheus defaults and inherit from global', () => {
    const c = loadConfig(
      'global:\n  scrape_interval: 5s\n  sample_limit: 100\n  body_size_limit: 10MB\nscrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 30s\n    sample_limit: 7\n',
      'p.yml',
    );
    expect(c.global.scrapeTimeout).toBe(5_000); // min(10s, interval)
    const [a, b] = c.scrapeConfigs;
    expect(a).toMatchObject({ jobName: 'a', scrapeInterval: 5_000, scrapeTimeout: 5_000, metricsPath: '/metrics', scheme: 'http', honorLabels: false, honorTimestamps: true, trackTimestampsStaleness: false, enableCompression: true, sampleLimit: 100, bodySizeLimit: 10 * 1024 * 1024 });
    expect(a!.scrapeProtocols).toEqual(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
    expect(a!.httpClient.followRedirects).toBe(true);
    expect(b).toMatchObject({ scrapeInterval: 30_000, scrapeTimeout: 5_000, sampleLimit: 7 });
  });

  it('storage.exemplars.max_exemplars sizes the exemplar buffer; tsdb settings warn; unknown fields are errors', () => {
    expect(loadConfig('', 'p.yml').storage.maxExemplars).toBeNull();
    expect(loadConfig('storage:\n  exemplars:\n    max_exemplars: 5000\n', 'p.yml').storage.maxExemplars).toBe(5000);
    expect(loadConfig('storage:\n  exemplars:\n    max_exemplars: -1\n', 'p.yml').storage.maxExemplars).toBe(0);
    const warned = loadConfig('storage:\n  tsdb:\n    out_of_order_time_window: 10m\n', 'p.yml');
    expect(warned.warnings.map((w) => w.message)).toEqual(['storage.tsdb is accepted for compatibility but not used by Vigil']);
    expect(errorsOf('storage:\n  exemplars:\n    max_exemplar: 1\n')).toEqual([expect.stringMatching(/^prometheus.yml:3:5: field max_exemplar not found in type config.ExemplarsConfig$/)]);
    expect(errorsOf('storage:\n  exemplars:\n    max_exemplars: 1.5\n')).toEqual([expect.stringMatching(/^prometheus.yml:3:\d+: .*into int64/)]);
  });

  it('scrape_native_histograms puts protobuf first', () => {
    const c = loadConfig('scrape_configs:\n  - job_name: a\n    scrape_native_histograms: true\n', 'p.yml');
    expect(c.scrapeConfigs[0]!.scrapeProtocols[0]).toBe('PrometheusProto');
  });
});

describe('errors name file:line:col', () => {
  const cases: [string, string, string][] = [
    ['unknown top-level field', 'globl:\n  scrape_interval: 1m\n', 'prometheus.yml:1:1: field globl not found in type config.Config'],
    ['unknown global field', 'global:\n  scrape_intervall: 1m\n', 'prometheus.yml:2:3: field scrape_intervall not found in type config.GlobalConfig'],
    ['unknown scrape config field', 'scrape_configs:\n  - job_name: a\n    metric_path: /m\n', 'prometheus.yml:3:5: field metric_path not found in type config.ScrapeConfig'],
    ['unknown static config field', 'scrape_configs:\n  - job_name: a\n    static_configs:\n      - target: [a:1]\n', 'prometheus.yml:4:9: field target not found in type targetgroup.Group'],
    ['unknown relabel field', 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_label: [a]\n', 'prometheus.yml:4:9: field source_label not found in type relabel.Config'],
    ['unknown tls field', 'scrape_configs:\n  - job_name: a\n    tls_config:\n      insecure: true\n', 'prometheus.yml:4:7: field insecure not found in type config.TLSConfig'],
    ['unknown kubernetes field', 'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n        namespace: x\n', 'prometheus.yml:5:9: field namespace not found in type kubernetes.SDConfig'],
    ['unknown alerting field', 'alerting:\n  alertmanagers:\n    - static_configs: [{targets: [a:9093]}]\n      timout: 5s\n', 'prometheus.yml:4:7: field timout not found in type config.AlertmanagerConfig'],
    ['timeout greater than interval', 'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n', 'prometheus.yml:4:5: scrape timeout greater than scrape interval for scrape config with job name "a" (6s > 5s)'],
    ['timeout greater than inherited interval', 'global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n    scrape_timeout: 6s\n', 'prometheus.yml:5:5: scrape timeout greater than scrape interval for scrape config with job name "a" (6s > 5s)'],
    ['global timeout greater than interval', 'global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n', 'prometheus.yml:3:3: global scrape timeout greater than scrape interval'],
    ['duplicate job names', 'scrape_configs:\n  - job_name: a\n  - job_name: b\n  - job_name: a\n', 'prometheus.yml:4:5: found multiple scrape configs with job name "a" (first at line 2)'],
    ['empty job name', 'scrape_configs:\n  - job_name: ""\n', 'prometheus.yml:2:5: job_name is empty'],
    ['bad duration', 'global:\n  scrape_interval: 15\n', 'prometheus.yml:2:20: not a valid duration string: "15"'],
    ['bad bool', 'scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n', 'prometheus.yml:3:19: cannot unmarshal !!str "maybe" into bool'],
    ['negative limit', 'scrape_configs:\n  - job_name: a\n    sample_limit: -1\n', 'prometheus.yml:3:19: cannot unmarshal !!int "-1" into uint'],
    ['list where a map is expected', 'global: [a]\n', 'prometheus.yml:1:9: cannot unmarshal !!seq into config.GlobalConfig'],
    ['relabel without target label', 'scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - source_labels: [a]\n        action: lowercase\n', "prometheus.yml:4:9: relabel configuration for lowercase action requires 'target_label' value"],
    ['unknown relabel action', 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: delete\n', 'prometheus.yml:4:17: unknown relabel action "delete"'],
    ['bad relabel regex', 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {source_labels: [a], regex: "(", target_label: b}\n', 'prometheus.yml:4:9: error parsing regexp'],
    ['URL as target', 'scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ["http://host:9100/metrics"]\n', 'prometheus.yml:4:19: "http://host:9100/metrics" is not a valid hostname'],
    ['bearer token twice', 'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    bearer_token_file: y\n', 'prometheus.yml:3:5: at most one of bearer_token & bearer_token_file must be configured'],
    ['basic auth and bearer', 'scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    bearer_token: x\n', 'prometheus.yml:4:5: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'],
    ['authorization type basic', 'scrape_configs:\n  - job_name: a\n    authorization: {type: Basic, credentials: x}\n', 'prometheus.yml:3:5: authorization type cannot be set to "basic", use "basic_auth" instead'],
    ['tls cert without key', 'scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: c.pem}\n', 'prometheus.yml:3:17: exactly one of key or key_file must be configured when a client certificate is configured'],
    ['tls version', 'scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS14}\n', 'prometheus.yml:3:31: unknown TLS version: TLS14'],
    ['unknown scrape protocol', 'scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText0.0.4, Foo]\n', 'prometheus.yml:3:45: scrape_protocols: unknown scrape protocol Foo'],
    ['kubernetes role missing', 'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - namespaces: {names: [x]}\n', 'prometheus.yml:4:9: role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'],
    ['kubernetes selector role', 'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: service\n        selectors: [{role: node, label: "a=b"}]\n', 'prometheus.yml:5:21: service role supports only service selectors'],
    ['kubernetes api_server and kubeconfig', 'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - {role: node, api_server: "https://k:6443", kubeconfig_file: kc}\n', "prometheus.yml:4:9: cannot use 'kubeconfig_file' and 'api_server' simultaneously"],
    ['alertmanager api v1', 'alerting:\n  alertmanagers:\n    - api_version: v1\n', 'prometheus.yml:3:20: expected Alertmanager api version to be one of [v2] but got v1'],
    ['invalid rule file glob', 'rule_files: ["a/*/b.yml"]\n', 'prometheus.yml:1:14: invalid rule file path "a/*/b.yml"'],
    ['invalid external label name', 'global:\n  external_labels:\n    "": x\n', 'prometheus.yml:3:5: "" is not a valid label name'],
    ['duplicate key', 'global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n', 'prometheus.yml:3:3: mapping key "scrape_interval" already defined at line 2'],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      const errs = errorsOf(text);
      expect(errs.some((e) => e.startsWith(want)), `got:\n${errs.join('\n')}`).toBe(true);
    });
  }

  it('reports a YAML syntax error with its position', () => {
    const errs = errorsOf('scrape_configs:\n  - job_name: a\n   bad indent: [\n');
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatch(/^prometheus\.yml:\d+:\d+: yaml: /);
  });

  it('collects every error in one pass and loadConfig throws them all', () => {
    const text = 'global:\n  foo: 1\nscrape_configs:\n  - job_name: a\n    bar: 2\n';
    expect(errorsOf(text)).toHaveLength(2);
    try {
      loadConfig(text, 'p.yml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.line)).toEqual([2, 5]);
    }
  });
});

describe('values', () => {
  it('folds bearer_token and bearer_token_file into authorization and resolves relative paths', () => {
    const c = loadConfig('scrape_configs:\n  - job_name: a\n    bearer_token_file: secrets/token\n    tls_config: {ca_file: /abs/ca.pem, cert_file: c.pem, key_file: k.pem, insecure_skip_verify: true}\n  - job_name: b\n    bearer_token: tok\n', '/etc/prom/prometheus.yml');
    expect(c.scrapeConfigs[0]!.httpClient.authorization).toEqual({ type: 'Bearer', credentials: '', credentialsFile: '/etc/prom/secrets/token' });
    expect(c.scrapeConfigs[0]!.httpClient.tlsConfig).toMatchObject({ caFile: '/abs/ca.pem', certFile: '/etc/prom/c.pem', keyFile: '/etc/prom/k.pem', insecureSkipVerify: true });
    expect(c.scrapeConfigs[1]!.httpClient.authorization).toEqual({ type: 'Bearer', credentials: 'tok', credentialsFile: '' });
  });

  it('reads params, limits, honor settings, relabel rules and static groups', () => {
    const c = loadConfig(
      [
        'scrape_configs:',
        '  - job_name: blackbox',
        '    metrics_path: /probe',
        '    scheme: https',
        '    params: {module: [http_2xx], target: [a, b]}',
        '    honor_labels: yes',
        '    honor_timestamps: false',
        '    track_timestamps_staleness: true',
        '    label_limit: 30',
        '    label_name_length_limit: 200',
        '    label_value_length_limit: 300',
        '    target_limit: 5',
        '    body_size_limit: 1GB512MB',
        '    enable_compression: false',
        '    fallback_scrape_protocol: PrometheusText0.0.4',
        '    static_configs:',
        '      - targets: [a:1, b:2]',
        '        labels: {env: prod}',
        '      - targets: [c:3]',
        '    relabel_configs:',
        '      - source_labels: [__address__]',
        '        target_label: __param_target',
        '      - {action: Drop, source_labels: [env], regex: dev}',
      ].join('\n'),
      'p.yml',
    );
    const s = c.scrapeConfigs[0]!;
    expect(s).toMatchObject({ metricsPath: '/probe', scheme: 'https', honorLabels: true, honorTimestamps: false, trackTimestampsStaleness: true, labelLimit: 30, labelNameLengthLimit: 200, labelValueLengthLimit: 300, targetLimit: 5, enableCompression: false, fallbackScrapeProtocol: 'PrometheusText0.0.4' });
    expect(s.bodySizeLimit).toBe(1024 ** 3 + 512 * 1024 ** 2);
    expect(s.params).toEqual({ module: ['http_2xx'], target: ['a', 'b'] });
    expect(s.relabelConfigs).toEqual([
      { sourceLabels: ['__address__'], separator: ';', regex: '(.*)', modulus: 0, targetLabel: '__param_target', replacement: '$1', action: 'replace' },
      { sourceLabels: ['env'], separator: ';', regex: 'dev', modulus: 0, targetLabel: '', replacement: '$1', action: 'drop' },
    ]);
    expect(staticTargetGroups(c).get('blackbox')).toEqual([
      { source: 'static/0', targets: [[{ name: '__address__', value: 'a:1' }], [{ name: '__address__', value: 'b:2' }]], labels: [{ name: 'env', value: 'prod' }] },
      { source: 'static/1', targets: [[{ name: '__address__', value: 'c:3' }]], labels: [] },
    ]);
  });

  it('expands $VAR in external labels', () => {
    const c = parseConfig('global:\n  external_labels: {cluster: "$CL", region: "${R}-x", literal: "$$5"}\n', 'p.yml', { env: { CL: 'c1', R: 'eu' } }).config!;
    expect(c.global.externalLabels).toEqual([
      { name: 'cluster', value: 'c1' },
      { name: 'literal', value: '$5' },
      { name: 'region', value: 'eu-x' },
    ]);
  });

  it('accepts YAML anchors and merge keys as yaml.v2 does', () => {
    const c = loadConfig('scrape_configs:\n  - &base\n    job_name: a\n    scrape_interval: 7s\n  - <<: *base\n    job_name: b\n', 'p.yml');
    expect(c.scrapeConfigs.map((s) => [s.jobName, s.scrapeInterval])).toEqual([
      ['a', 7000],
      ['b', 7000],
    ]);
  });

  it('accepts known but unimplemented sections with warnings', () => {
    const r = parseConfig('remote_write: [{url: "http://x"}]\nscrape_configs:\n  - job_name: a\n    consul_sd_configs: [{server: "localhost:8500"}]\n', 'p.yml');
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(formatIssue)).toEqual(['p.yml:1:1: remote_write is accepted for compatibility but not used by Vigil', 'p.yml:4:5: consul_sd_configs is not supported by Vigil; its targets will not be discovered']);
    expect(r.config!.scrapeConfigs[0]!.unsupportedSDConfigs).toEqual([{ kind: 'consul', count: 1, line: 4 }]);
  });

  it('validates kubernetes SD structurally', () => {
    const c = loadConfig('scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n      - role: endpointslice\n        namespaces: {names: [default]}\n        selectors: [{role: pod, label: "app in (a, b),tier!=x"}]\n        attach_metadata: {node: true}\n', 'p.yml');
    expect(c.scrapeConfigs[0]!.sdConfigs[0]).toMatchObject({ kind: 'kubernetes', line: 4, role: 'endpointslice', namespaces: { ownNamespace: false, names: ['default'] }, selectors: [{ role: 'pod', label: 'app in (a, b),tier!=x', field: '' }], attachMetadata: { node: true, namespace: false } });
  });

  it('parses Base2Bytes sizes', () => {
    expect(parseBase2Bytes('0')).toBe(0);
    expect(parseBase2Bytes('100MB')).toBe(100 * 1024 * 1024);
    expect(parseBase2Bytes('1.5KiB')).toBe(1536);
    expect(parseBase2Bytes('10')).toBeNull();
    expect(parseBase2Bytes('10XB')).toBeNull();
  });
});

describe('check config files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  it('reports SUCCESS with the rule files found, like promtool', () => {
    write('rules/a.yml', 'groups: []\n');
    write('rules/b.yml', 'groups: []\n');
    const f = write('ok.yml', 'rule_files: ["rules/*.yml"]\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: [localhost:9100]}]\n');
    const r = checkConfig(f);
    expect(r.errors).toEqual([]);
    expect(r.ruleFiles.map((x) => path.basename(x))).toEqual(['a.yml', 'b.yml']);
    expect(formatCheckConfig(r)).toBe(`Checking ${f}\n  SUCCESS: 2 rule files found\n  SUCCESS: ${f} is valid prometheus config file syntax\n`);
    expect(checkConfigFile(f)).toEqual([]);
  });

  it('reports FAILED with file:line:col and missing referenced files', () => {
    const f = write('bad.yml', 'scrape_configs:\n  - job_name: a\n    tls_config: {ca_file: nope.pem}\n    bogus: 1\n');
    expect(checkConfigFile(f)).toEqual([`${f}:4:5: field bogus not found in type config.ScrapeConfig`]);
    const g = write('missing.yml', 'scrape_configs:\n  - job_name: a\n    tls_config: {ca_file: nope.pem}\n');
    const r = checkConfig(g);
    expect(r.errors.map((e) => e.message)).toEqual([`error checking CA file ${JSON.stringify(path.join(dir, 'nope.pem'))}: file does not exist`]);
    expect(formatCheckConfig(r)).toContain('  FAILED:\n');
  });

  it('reports an unreadable file', () => {
    expect(checkConfigFile(path.join(dir, 'absent.yml'))[0]).toMatch(/absent\.yml: ENOENT/);
  });

  it('merges scrape_config_files and rejects duplicate jobs across files', () => {
    write('jobs/x.yml', 'scrape_configs:\n  - job_name: x\n');
    const f = write('main.yml', 'global: {scrape_interval: 20s}\nscrape_config_files: ["jobs/*.yml"]\nscrape_configs:\n  - job_name: a\n');
    const c = loadConfigFile(f);
    expect(c.scrapeConfigs.map((s) => [s.jobName, s.scrapeInterval])).toEqual([
      ['a', 20000],
      ['x', 20000],
    ]);
    write('jobs/y.yml', 'scrape_configs:\n  - job_name: a\n');
    expect(() => loadConfigFile(f)).toThrow(/found multiple scrape configs with job name "a"/);
  });
});

describe('parity with promtool check config (Prometheus 2.42)', () => {
  // Configurations whose validity is the same in Prometheus 2.42 and 3.x.
  const configs: string[] = [
    'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["localhost:9100"]}]\n',
    'scrape_configs:\n  - job_name: a\n    metric_path: /x\n',
    'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
    'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
    'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: hashmod, source_labels: [a], target_label: b}]\n',
    'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: labelmap, regex: "__meta_(.+)"}]\n    metric_relabel_configs: [{action: keep, source_labels: [__name__], regex: "up|go_.*"}]\n',
    'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    bearer_token_file: y\n',
    'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["http://a/b"]}]\n',
    'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{role: pods}]\n',
    // Prometheus 3 allows node selectors for the pod role; no version allows them for services.
    'scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{role: service, selectors: [{role: node}]}]\n',
    'scrape_configs:\n  - job_name: a\n    honor_labels: yes\n    sample_limit: 10\n    body_size_limit: 10MB\n',
    'global:\n  scrape_timeout: 2m\n',
    'alerting:\n  alertmanagers:\n    - static_configs: [{targets: ["localhost:9093"]}]\n      timeout: 5s\n',
    'rule_files: ["a/*/b.yml"]\n',
  ];
  it('accepts and rejects the same configurations', () => {
    let promtool: string;
    try {
      promtool = execFileSync('which', ['promtool']).toString().trim();
    } catch {
      throw new Error('promtool (Debian package prometheus) is not installed; .ci/run installs it');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-parity-'));
    try {
      configs.forEach((text, i) => {
        const f = path.join(dir, `c${i}.yml`);
        fs.writeFileSync(f, text);
        let promOk = true;
        try {
          execFileSync(promtool, ['check', 'config', '--syntax-only', f], { stdio: 'pipe' });
        } catch {
          promOk = false;
        }
        const ours = parseConfig(text, f).errors;
        expect(ours.length === 0, `config ${i} (promtool ${promOk ? 'accepts' : 'rejects'}): ${ours.map(formatIssue).join('; ')}`).toBe(promOk);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
