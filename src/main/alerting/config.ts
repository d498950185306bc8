/**
 * alertmanager.yml as Alertmanager 0.25 reads it (config/config.go, dispatch/route.go): strict
 * YAML (unknown and duplicate keys are errors), the global section with its defaults, the route
 * tree with inherited options and Alertmanager's route ids and keys, receivers whose `*_configs`
 * entries go through the integration registry, inhibit rules, time intervals and templates. Every
 * problem is collected with its path and line, so one load reports them all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { Walker, type Fields, type YNode } from '../config/yamlwalk';
import { globFiles } from '../util/glob';
import { INTEGRATION_TYPES, UNSUPPORTED } from './notify/registry';
import { compileMatcherRegex, formatMatchers, MatcherError, parseMatchers, sortMatchers } from './matchers';
import { parseTimeInterval, type TimeInterval } from './timeinterval';
import type { AlertmanagerFile, ConfigProblem, GlobalConfig, InhibitRule, IntegrationType, Matcher, ReceiverConfig, RouteNode } from './types';

/** AlertmanagerConfigError carries every problem of a configuration that does not load. */
export class AlertmanagerConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
    readonly warnings: ConfigProblem[] = [],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'AlertmanagerConfigError';
  }
}

/** formatProblem renders a problem as `file:line: path: message`. */
export function formatProblem(file: string, p: ConfigProblem): string {
  const where = file === '' ? '<default>' : file;
  return `${where}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** LoadOptions replace the registry's integration types (tests) and the unsupported keys. */
export interface AlertmanagerLoadOptions {
  integrationTypes?: readonly IntegrationType<unknown>[];
  unsupported?: readonly string[];
}

/** Alertmanager's route defaults (dispatch.DefaultRouteOpts). */
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3600_000;
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;

const TOP_KEYS = ['global', 'route', 'inhibit_rules', 'receivers', 'templates', 'mute_time_intervals', 'time_intervals'];

/** GLOBAL_KEYS are the global section's fields (0.25's and the few later versions added). */
const GLOBAL_KEYS = [
  'resolve_timeout', 'http_config', 'smtp_from', 'smtp_hello', 'smtp_smarthost', 'smtp_auth_username', 'smtp_auth_password',
  'smtp_auth_password_file', 'smtp_auth_secret', 'smtp_auth_identity', 'smtp_require_tls', 'smtp_tls_config', 'smtp_force_implicit_tls',
  'slack_api_url', 'slack_api_url_file', 'pagerduty_url', 'opsgenie_api_url', 'opsgenie_api_key', 'opsgenie_api_key_file',
  'wechat_api_url', 'wechat_api_secret', 'wechat_api_corp_id', 'victorops_api_url', 'victorops_api_key', 'victorops_api_key_file',
  'telegram_api_url', 'webex_api_url', 'rocketchat_api_url', 'rocketchat_token', 'rocketchat_token_file', 'rocketchat_token_id',
  'rocketchat_token_id_file', 'jira_api_url',
];
const GLOBAL_URLS = ['slack_api_url', 'pagerduty_url', 'opsgenie_api_url', 'wechat_api_url', 'victorops_api_url', 'telegram_api_url', 'webex_api_url', 'rocketchat_api_url', 'jira_api_url'];

/** HTTP_CONFIG_KEYS are prometheus/common's HTTPClientConfig fields. */
const HTTP_CONFIG_KEYS = [
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'proxy_url', 'no_proxy',
  'proxy_from_environment', 'proxy_connect_header', 'follow_redirects', 'enable_http2', 'http_headers',
];

const ROUTE_KEYS = [
  'receiver', 'group_by', 'match', 'match_re', 'matchers', 'mute_time_intervals', 'active_time_intervals', 'continue', 'routes',
  'group_wait', 'group_interval', 'repeat_interval',
];
const INHIBIT_KEYS = ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'];

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * AM_RECEIVER_KEYS are the `*_configs` keys Alertmanager knows (0.25 and later); one that no
 * integration type reads loads with a warning, as UNSUPPORTED ones do, rather than as an error.
 */
const AM_RECEIVER_KEYS = [
  'discord_configs', 'email_configs', 'pagerduty_configs', 'slack_configs', 'webhook_configs', 'opsgenie_configs', 'wechat_configs',
  'pushover_configs', 'victorops_configs', 'sns_configs', 'telegram_configs', 'webex_configs', 'msteams_configs', 'msteamsv2_configs',
  'jira_configs', 'rocketchat_configs', 'incidentio_configs', 'mattermost_configs',
];

/** ParsedRoute is a route as written, before inheritance. */
interface ParsedRoute {
  node: YNode;
  path: string;
  receiver: string;
  receiverNode: YNode;
  groupBy: string[] | null;
  groupByAll: boolean;
  matchers: Matcher[];
  hasMatchers: boolean;
  muteTimeIntervals: { name: string; node: YNode }[];
  activeTimeIntervals: { name: string; node: YNode }[];
  continue: boolean;
  groupWaitMs: number | null;
  groupIntervalMs: number | null;
  repeatIntervalMs: number | null;
  routes: ParsedRoute[];
}

class Loader {
  readonly w: Walker;
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  /** lines maps a path to the line of its key or item. */
  private readonly lines = new Map<string, number>();

  constructor(
    readonly file: string,
    text: string,
    readonly types: readonly IntegrationType<unknown>[],
    readonly unsupported: readonly string[],
  ) {
    let w = new Walker(file, text);
    if (w.issues.some((i) => /multiple documents/.test(i.message))) {
      // yaml.v2 reads the first document of a stream and ignores the rest; so does this loader.
      const first = parseAllDocuments(text)[0];
      const end = first && 'range' in first ? first.range[1] : text.length;
      w = new Walker(file, text.slice(0, end));
    }
    this.w = w;
    for (const i of this.w.issues.splice(0)) this.problems.push({ path: '', line: i.line || undefined, message: i.message });
    this.index(this.w.root(), '', null);
  }

  private index(n: YNode, p: string, keyNode: Node | null): void {
    const d = this.w.deref(n);
    const line = this.w.position(keyNode ?? d).line;
    if (line > 0 && !this.lines.has(p)) this.lines.set(p, line);
    if (d === null) return;
    if (isMap(d)) {
      for (const item of d.items) {
        const k = this.w.deref(item.key as Node);
        if (!isScalar(k)) continue;
        this.index(item.value as Node | null, p === '' ? String(k.value) : `${p}.${String(k.value)}`, k);
      }
    } else if (isSeq(d)) {
      d.items.forEach((x, i) => this.index(x as Node, `${p}[${i}]`, null));
    }
  }

  /** lineOf finds the line of a path, or of its nearest indexed parent. */
  lineOf(p: string): number | undefined {
    let q = p;
    for (;;) {
      const l = this.lines.get(q);
      if (l !== undefined) return l;
      const cut = Math.max(q.lastIndexOf('.'), q.lastIndexOf('['));
      if (cut <= 0) return this.lines.get('') ?? undefined;
      q = q.slice(0, cut);
    }
  }

  err(p: string, n: YNode, message: string): void {
    const line = n !== null ? this.w.position(n).line || this.lineOf(p) : this.lineOf(p);
    this.problems.push({ path: p, line, message });
  }

  warn(p: string, n: YNode, message: string): void {
    const line = n !== null ? this.w.position(n).line || this.lineOf(p) : this.lineOf(p);
    this.warnings.push({ path: p, line, message });
  }

  /** take runs a Walker read and files the issues it raised under path p. */
  take<T>(p: string, fn: () => T): T {
    const v = fn();
    for (const i of this.w.issues.splice(0)) this.problems.push({ path: p, line: i.line || this.lineOf(p), message: i.message });
    return v;
  }

  fields(n: YNode, p: string, typeName: string, allowed: readonly string[] | ((k: string) => boolean)): Fields {
    return this.take(p, () => this.w.fields(n, typeName, allowed)) ?? new Map();
  }

  /** js converts a node into a plain value (aliases and merge keys resolved). */
  js(n: YNode): unknown {
    const d = this.w.deref(n);
    if (d === null) return null;
    return (d as unknown as { toJS(doc: unknown): unknown }).toJS(this.w.doc);
  }

  load(): AlertmanagerFile | null {
    const root = this.w.root();
    const top = this.fields(root, '', 'config.plain', TOP_KEYS);
    const v = (k: string): YNode => top.get(k)?.value ?? null;
    const global = this.global(v('global'));
    const receivers = this.receivers(v('receivers'), global);

    const intervals = new Map<string, unknown>();
    this.timeIntervals(v('mute_time_intervals'), 'mute_time_intervals', 'mute time interval', intervals);
    this.timeIntervals(v('time_intervals'), 'time_intervals', 'time interval', intervals);

    let route: RouteNode | null = null;
    if (!top.has('route') || this.w.isNull(v('route'))) {
      if (this.problems.length === 0) this.err('route', null, 'no route provided in config');
    } else {
      const pr = this.route(v('route'), 'route');
      if (pr !== null) {
        // These point at the offending key (or at `route:` itself), found by path.
        if (pr.receiver === '') this.err(pr.receiverNode !== null ? 'route.receiver' : 'route', null, 'root route must specify a default receiver');
        if (pr.hasMatchers) this.err(['route.matchers', 'route.match', 'route.match_re'].find((k) => this.lines.has(k)) ?? 'route', null, 'root route must not have any matchers');
        if (pr.muteTimeIntervals.length > 0) this.err('route.mute_time_intervals', null, 'root route must not have any mute time intervals');
        if (pr.activeTimeIntervals.length > 0) this.err('route.active_time_intervals', null, 'root route must not have any active time intervals');
        if (pr.continue) this.err('route.continue', null, 'cannot have continue in root route');
        this.checkRefs(pr, receivers, intervals);
        route = buildRoute(pr, null, 0);
      }
    }

    const inhibitRules = this.inhibitRules(v('inhibit_rules'));
    const templates = this.templates(v('templates'));
    if (this.problems.length > 0 || route === null) return null;
    return {
      file: this.file,
      text: '',
      global,
      route,
      receivers,
      inhibitRules,
      timeIntervals: intervals,
      templates,
      warnings: this.warnings,
    };
  }

  private global(n: YNode): GlobalConfig {
    const g: GlobalConfig = { resolveTimeoutMs: DEFAULT_RESOLVE_TIMEOUT_MS, smtpHello: 'localhost', smtpRequireTls: true, raw: {} };
    const f = this.fields(n, 'global', 'config.plain', GLOBAL_KEYS);
    const raw = this.js(n);
    g.raw = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const v = (k: string): YNode => f.get(k)?.value ?? null;
    const at = (k: string): string => `global.${k}`;
    const str = (k: string): string | undefined => (f.has(k) ? this.take(at(k), () => this.w.str(v(k))) || undefined : undefined);
    if (f.has('resolve_timeout')) g.resolveTimeoutMs = this.take(at('resolve_timeout'), () => this.w.duration(v('resolve_timeout'), DEFAULT_RESOLVE_TIMEOUT_MS));
    g.smtpFrom = str('smtp_from');
    if (f.has('smtp_hello')) g.smtpHello = str('smtp_hello');
    const sh = str('smtp_smarthost');
    if (sh !== undefined) {
      const e = hostPortError(sh);
      if (e) this.err(at('smtp_smarthost'), v('smtp_smarthost'), e);
      g.smtpSmarthost = sh;
    }
    g.smtpAuthUsername = str('smtp_auth_username');
    g.smtpAuthPassword = str('smtp_auth_password');
    g.smtpAuthIdentity = str('smtp_auth_identity');
    g.smtpAuthSecret = str('smtp_auth_secret');
    if (f.has('smtp_require_tls')) g.smtpRequireTls = this.take(at('smtp_require_tls'), () => this.w.bool(v('smtp_require_tls'), true));
    for (const k of GLOBAL_URLS) {
      const s = str(k);
      if (s === undefined) continue;
      if (k === 'slack_api_url' && s === '<secret>') continue;
      const e = urlError(s);
      if (e) this.err(at(k), v(k), e);
    }
    g.slackApiUrl = str('slack_api_url');
    if (f.has('http_config')) {
      for (const pr of checkHttpConfig(this.js(v('http_config')), at('http_config'))) this.problems.push({ ...pr, line: this.lineOf(pr.path) });
    }
    const pair = (a: string, b: string): void => {
      if (str(a) !== undefined && str(b) !== undefined) this.err(at(b), v(b), `at most one of ${a} & ${b} must be configured`);
    };
    pair('slack_api_url', 'slack_api_url_file');
    pair('opsgenie_api_key', 'opsgenie_api_key_file');
    pair('victorops_api_key', 'victorops_api_key_file');
    pair('smtp_auth_password', 'smtp_auth_password_file');
    return g;
  }

  private receivers(n: YNode, global: GlobalConfig): Map<string, ReceiverConfig> {
    const out = new Map<string, ReceiverConfig>();
    const known = new Set([...this.types.map((t) => t.key), ...this.unsupported, ...AM_RECEIVER_KEYS]);
    const items = this.take('receivers', () => this.w.seq(n, '[]*config.Receiver'));
    items.forEach((item, i) => {
      const p = `receivers[${i}]`;
      const f = this.fields(item, p, 'config.plain', (k) => k === 'name' || known.has(k));
      const name = f.has('name') ? this.take(`${p}.name`, () => this.w.str(f.get('name')!.value)) : '';
      if (name === '') {
        this.err(p, item, 'missing name in receiver');
        return;
      }
      if (out.has(name)) {
        this.err(`${p}.name`, f.get('name')!.value, `notification config name ${JSON.stringify(name)} is not unique`);
        return;
      }
      const rc: ReceiverConfig = { name, integrations: [] };
      for (const [key, { key: keyNode, value }] of f) {
        if (key === 'name') continue;
        const entries = this.take(`${p}.${key}`, () => this.w.seq(value, `[]*config.${key}`));
        const type = this.types.find((t) => t.key === key);
        if (!type) {
          if (entries.length > 0) {
            this.warn(`${p}.${key}`, keyNode, `receiver ${JSON.stringify(name)}: ${key} are not supported by Vigil; ${entries.length === 1 ? 'its entry' : `its ${entries.length} entries`} will not be notified`);
          }
          continue;
        }
        entries.forEach((e, j) => {
          const ep = `${p}.${key}[${j}]`;
          let res: { config: unknown; problems: ConfigProblem[] };
          try {
            res = type.parse(this.js(e), ep, global);
          } catch (err) {
            res = { config: null, problems: [{ path: ep, message: (err as Error).message }] };
          }
          for (const pr of res.problems) this.problems.push({ ...pr, line: pr.line ?? this.lineOf(pr.path || ep) });
          if (res.config !== null && res.problems.length === 0) rc.integrations.push({ type, config: res.config, index: j });
        });
      }
      out.set(name, rc);
    });
    return out;
  }

  private timeIntervals(n: YNode, key: string, what: string, out: Map<string, unknown>): void {
    const items = this.take(key, () => this.w.seq(n, `[]config.${key === 'time_intervals' ? 'TimeInterval' : 'MuteTimeInterval'}`));
    items.forEach((item, i) => {
      const p = `${key}[${i}]`;
      const f = this.fields(item, p, 'config.plain', ['name', 'time_intervals']);
      const name = f.has('name') ? this.take(`${p}.name`, () => this.w.str(f.get('name')!.value)) : '';
      const list = this.take(`${p}.time_intervals`, () => this.w.seq(f.get('time_intervals')?.value ?? null, '[]timeinterval.TimeInterval'));
      const parsed: TimeInterval[] = [];
      list.forEach((ti, j) => {
        const r = parseTimeInterval(this.js(ti), `${p}.time_intervals[${j}]`);
        for (const pr of r.problems) this.problems.push({ ...pr, line: this.lineOf(pr.path) });
        if (r.interval) parsed.push(r.interval);
      });
      if (name === '') {
        this.err(p, item, `missing name in ${what}`);
        return;
      }
      if (out.has(name)) {
        this.err(`${p}.name`, f.get('name')!.value, `${what} ${JSON.stringify(name)} is not unique`);
        return;
      }
      out.set(name, parsed);
    });
  }

  /** labelMap reads match / source_match style maps of label name to value. */
  private labelMap(n: YNode, p: string, regex: boolean): Matcher[] {
    const out: Matcher[] = [];
    const entries = this.take(p, () => this.w.entries(n, regex ? 'config.MatchRegexps' : 'map[string]string'));
    for (const e of entries) {
      const ep = `${p}.${e.name}`;
      if (!LABEL_NAME_RE.test(e.name)) {
        this.err(ep, e.key, `invalid label name ${JSON.stringify(e.name)}`);
        continue;
      }
      if (regex && this.w.isNull(e.valueNode)) {
        this.err(ep, e.key, `invalid regexp value for ${JSON.stringify(e.name)}`);
        continue;
      }
      const value = this.take(ep, () => this.w.str(e.valueNode));
      if (regex) {
        try {
          compileMatcherRegex(value);
        } catch (err) {
          this.err(ep, e.valueNode, (err as Error).message);
          continue;
        }
      }
      // Alertmanager builds these matchers from the compiled regexp's text, so the value is anchored.
      out.push({ name: e.name, type: regex ? '=~' : '=', value: regex ? `^(?:${value})$` : value });
    }
    return out;
  }

  /** matcherList reads a `matchers` list of matcher strings. */
  private matcherList(n: YNode, p: string): Matcher[] {
    const out: Matcher[] = [];
    const items = this.take(p, () => this.w.seq(n, '[]string'));
    items.forEach((it, i) => {
      const ip = `${p}[${i}]`;
      const s = this.take(ip, () => this.w.str(it));
      try {
        out.push(...parseMatchers(s));
      } catch (e) {
        const msg = e instanceof MatcherError ? `${e.reason}: ${e.text.trim()} (in ${s}, at character ${e.position + 1})` : (e as Error).message;
        this.err(ip, it, msg);
      }
    });
    return out;
  }

  private route(n: YNode, p: string): ParsedRoute | null {
    const d = this.w.deref(n);
    const f = this.fields(d, p, 'config.plain', ROUTE_KEYS);
    const v = (k: string): YNode => f.get(k)?.value ?? null;
    const at = (k: string): string => `${p}.${k}`;
    const r: ParsedRoute = {
      node: d,
      path: p,
      receiver: f.has('receiver') ? this.take(at('receiver'), () => this.w.str(v('receiver'))) : '',
      receiverNode: v('receiver'),
      groupBy: null,
      groupByAll: false,
      matchers: [],
      hasMatchers: false,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
      continue: f.has('continue') ? this.take(at('continue'), () => this.w.bool(v('continue'), false)) : false,
      groupWaitMs: null,
      groupIntervalMs: null,
      repeatIntervalMs: null,
      routes: [],
    };
    if (f.has('group_by')) {
      const items = this.take(at('group_by'), () => this.w.seq(v('group_by'), '[]string'));
      const seen = new Set<string>();
      const names: string[] = [];
      items.forEach((it, i) => {
        const s = this.take(`${at('group_by')}[${i}]`, () => this.w.str(it));
        if (s === '...') {
          r.groupByAll = true;
          return;
        }
        if (!LABEL_NAME_RE.test(s)) {
          this.err(`${at('group_by')}[${i}]`, it, `invalid label name ${JSON.stringify(s)} in group_by list`);
          return;
        }
        if (seen.has(s)) this.err(`${at('group_by')}[${i}]`, it, `duplicated label ${JSON.stringify(s)} in group_by`);
        seen.add(s);
        names.push(s);
      });
      if (names.length > 0) r.groupBy = names;
      if (names.length > 0 && r.groupByAll) this.err(at('group_by'), v('group_by'), 'cannot have wildcard group_by (`...`) and other other labels at the same time');
    }
    const match = f.has('match') ? this.labelMap(v('match'), at('match'), false) : [];
    const matchRe = f.has('match_re') ? this.labelMap(v('match_re'), at('match_re'), true) : [];
    const ms = f.has('matchers') ? this.matcherList(v('matchers'), at('matchers')) : [];
    r.matchers = sortMatchers([...match, ...matchRe, ...ms]);
    r.hasMatchers = r.matchers.length > 0;
    const names = (k: string): { name: string; node: YNode }[] =>
      this.take(at(k), () => this.w.seq(v(k), '[]string')).map((it, i) => ({ name: this.take(`${at(k)}[${i}]`, () => this.w.str(it)), node: it }));
    if (f.has('mute_time_intervals')) r.muteTimeIntervals = names('mute_time_intervals');
    if (f.has('active_time_intervals')) r.activeTimeIntervals = names('active_time_intervals');
    const dur = (k: string): number | null => (f.has(k) && !this.w.isNull(v(k)) ? this.take(at(k), () => this.w.duration(v(k), 0)) : null);
    r.groupWaitMs = dur('group_wait');
    r.groupIntervalMs = dur('group_interval');
    r.repeatIntervalMs = dur('repeat_interval');
    if (r.groupIntervalMs === 0) this.err(at('group_interval'), v('group_interval'), 'group_interval cannot be zero');
    if (r.repeatIntervalMs === 0) this.err(at('repeat_interval'), v('repeat_interval'), 'repeat_interval cannot be zero');
    if (f.has('routes')) {
      const items = this.take(at('routes'), () => this.w.seq(v('routes'), '[]*config.Route'));
      items.forEach((it, i) => {
        const c = this.route(it, `${at('routes')}[${i}]`);
        if (c) r.routes.push(c);
      });
    }
    return r;
  }

  private checkRefs(r: ParsedRoute, receivers: Map<string, ReceiverConfig>, intervals: Map<string, unknown>): void {
    for (const c of r.routes) this.checkRefs(c, receivers, intervals);
    if (r.receiver !== '' && !receivers.has(r.receiver)) this.err(`${r.path}.receiver`, r.receiverNode, `undefined receiver ${JSON.stringify(r.receiver)} used in route`);
    r.activeTimeIntervals.forEach((t, i) => {
      if (!intervals.has(t.name)) this.err(`${r.path}.active_time_intervals[${i}]`, t.node, `undefined time interval ${JSON.stringify(t.name)} used in route`);
    });
    r.muteTimeIntervals.forEach((t, i) => {
      if (!intervals.has(t.name)) this.err(`${r.path}.mute_time_intervals[${i}]`, t.node, `undefined time interval ${JSON.stringify(t.name)} used in route`);
    });
  }

  private inhibitRules(n: YNode): InhibitRule[] {
    const out: InhibitRule[] = [];
    const items = this.take('inhibit_rules', () => this.w.seq(n, '[]*config.InhibitRule'));
    items.forEach((it, i) => {
      const p = `inhibit_rules[${i}]`;
      const f = this.fields(it, p, 'config.plain', INHIBIT_KEYS);
      const v = (k: string): YNode => f.get(k)?.value ?? null;
      const side = (s: 'source' | 'target'): Matcher[] => [
        ...(f.has(`${s}_match`) ? this.labelMap(v(`${s}_match`), `${p}.${s}_match`, false) : []),
        ...(f.has(`${s}_match_re`) ? this.labelMap(v(`${s}_match_re`), `${p}.${s}_match_re`, true) : []),
        ...(f.has(`${s}_matchers`) ? this.matcherList(v(`${s}_matchers`), `${p}.${s}_matchers`) : []),
      ];
      const sourceMatchers = side('source');
      const targetMatchers = side('target');
      const equal: string[] = [];
      if (f.has('equal')) {
        this.take(`${p}.equal`, () => this.w.seq(v('equal'), 'model.LabelNames')).forEach((x, j) => {
          const s = this.take(`${p}.equal[${j}]`, () => this.w.str(x));
          if (!LABEL_NAME_RE.test(s)) this.err(`${p}.equal[${j}]`, x, `${JSON.stringify(s)} is not a valid label name`);
          else equal.push(s);
        });
      }
      out.push({ sourceMatchers, targetMatchers, equal });
    });
    return out;
  }

  private templates(n: YNode): string[] {
    const pats = this.take('templates', () => this.w.strList(n));
    const base = this.file === '' ? '' : path.dirname(this.file);
    const out: string[] = [];
    for (const pat of pats) {
      const full = pat !== '' && !path.isAbsolute(pat) && base !== '' ? path.join(base, pat) : pat;
      for (const f of globFiles(full)) if (!out.includes(f)) out.push(f);
    }
    return out;
  }
}

/** buildRoute applies dispatch.NewRoute's inheritance: options from the parent, the route's own where set. */
function buildRoute(r: ParsedRoute, parent: RouteNode | null, index: number): RouteNode {
  const base: Pick<RouteNode, 'receiver' | 'groupBy' | 'groupByAll' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs'> = parent ?? {
    receiver: '',
    groupBy: [],
    groupByAll: false,
    groupWaitMs: DEFAULT_GROUP_WAIT_MS,
    groupIntervalMs: DEFAULT_GROUP_INTERVAL_MS,
    repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
  };
  let groupBy = base.groupBy;
  let groupByAll = base.groupByAll;
  if (r.groupBy !== null) {
    groupBy = [...r.groupBy].sort();
    groupByAll = false;
  } else if (r.groupByAll) {
    groupByAll = true;
  }
  const ms = formatMatchers(r.matchers);
  const node: RouteNode = {
    id: parent === null ? ms : `${parent.id}/${ms}/${index}`,
    key: parent === null ? ms : `${parent.key}/${ms}`,
    receiver: r.receiver !== '' ? r.receiver : base.receiver,
    matchers: r.matchers,
    groupBy,
    groupByAll,
    groupWaitMs: r.groupWaitMs ?? base.groupWaitMs,
    groupIntervalMs: r.groupIntervalMs ?? base.groupIntervalMs,
    repeatIntervalMs: r.repeatIntervalMs ?? base.repeatIntervalMs,
    continue: r.continue,
    muteTimeIntervals: r.muteTimeIntervals.map((t) => t.name),
    activeTimeIntervals: r.activeTimeIntervals.map((t) => t.name),
    routes: [],
  };
  node.routes = r.routes.map((c, i) => buildRoute(c, node, i));
  return node;
}

const HTTP_SUB_KEYS: Record<string, readonly string[]> = {
  basic_auth: ['username', 'username_file', 'password', 'password_file'],
  authorization: ['type', 'credentials', 'credentials_file'],
  oauth2: ['client_id', 'client_secret', 'client_secret_file', 'scopes', 'token_url', 'endpoint_params', 'tls_config', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'],
  tls_config: ['ca', 'ca_file', 'cert', 'cert_file', 'key', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version'],
};

function plainRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * checkHttpConfig validates an `http_config` block (a plain value) as prometheus/common's
 * HTTPClientConfig does: known fields only and at most one way to authenticate. Integration types
 * use it for their entries' http_config; problems are named by path.
 */
export function checkHttpConfig(raw: unknown, p: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (raw === null || raw === undefined) return out;
  const r = plainRecord(raw);
  if (!r) return [{ path: p, message: 'cannot unmarshal into config.HTTPClientConfig: expected a mapping' }];
  for (const k of Object.keys(r)) if (!HTTP_CONFIG_KEYS.includes(k)) out.push({ path: `${p}.${k}`, message: `field ${k} not found in type config.plain` });
  for (const [k, allowed] of Object.entries(HTTP_SUB_KEYS)) {
    if (r[k] === undefined || r[k] === null) continue;
    const sub = plainRecord(r[k]);
    if (!sub) {
      out.push({ path: `${p}.${k}`, message: `cannot unmarshal into ${k}: expected a mapping` });
      continue;
    }
    for (const sk of Object.keys(sub)) if (!allowed.includes(sk)) out.push({ path: `${p}.${k}.${sk}`, message: `field ${sk} not found in type config.plain` });
  }
  const set = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  const basic = plainRecord(r.basic_auth);
  const authz = plainRecord(r.authorization);
  const bearer = set(r.bearer_token);
  const bearerFile = set(r.bearer_token_file);
  if (bearer && bearerFile) out.push({ path: `${p}.bearer_token_file`, message: 'at most one of bearer_token & bearer_token_file must be configured' });
  if ((basic || set(r.oauth2)) && (bearer || bearerFile)) out.push({ path: p, message: 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured' });
  if (basic && set(basic.password) && set(basic.password_file)) out.push({ path: `${p}.basic_auth`, message: 'at most one of basic_auth password & password_file must be configured' });
  if (authz) {
    if (bearer || bearerFile) out.push({ path: `${p}.authorization`, message: 'authorization is not compatible with bearer_token & bearer_token_file' });
    if (basic || set(r.oauth2)) out.push({ path: `${p}.authorization`, message: 'at most one of basic_auth, oauth2 & authorization must be configured' });
    if (set(authz.credentials) && set(authz.credentials_file)) out.push({ path: `${p}.authorization`, message: 'at most one of authorization credentials & credentials_file must be configured' });
    if (typeof authz.type === 'string' && authz.type.trim().toLowerCase() === 'basic') {
      out.push({ path: `${p}.authorization.type`, message: 'authorization type cannot be set to "basic", use "basic_auth" instead' });
    }
  }
  if (basic && set(r.oauth2)) out.push({ path: p, message: 'at most one of basic_auth, oauth2 & authorization must be configured' });
  return out;
}

/** hostPortError validates a "host:port" as Go's net.SplitHostPort and Alertmanager's HostPort do. */
function hostPortError(s: string): string | null {
  let port: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return `address ${s}: missing ']' in address`;
    if (s[end + 1] !== ':') return `address ${s}: missing port in address`;
    port = s.slice(end + 2);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) return `address ${s}: missing port in address`;
    if (s.slice(0, i).includes(':')) return `address ${s}: too many colons in address`;
    port = s.slice(i + 1);
  }
  if (port === '') return `address ${JSON.stringify(s)}: port cannot be empty`;
  return null;
}

/** urlError validates a URL as Alertmanager's parseURL: http or https with a host. */
export function urlError(s: string): string | null {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
    if (!scheme) return `unsupported scheme "" for URL`;
    return `parse ${JSON.stringify(s)}: invalid URL`;
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return `unsupported scheme ${JSON.stringify(scheme)} for URL`;
  if (u.host === '') return 'missing host for URL';
  return null;
}

/**
 * loadAlertmanagerConfig parses alertmanager.yml text read from file (its folder anchors the
 * template globs); throws AlertmanagerConfigError with every problem when it does not load.
 */
export function loadAlertmanagerConfig(text: string, file: string, opts: AlertmanagerLoadOptions = {}): AlertmanagerFile {
  const l = new Loader(file, text, opts.integrationTypes ?? INTEGRATION_TYPES, opts.unsupported ?? UNSUPPORTED);
  const out = l.problems.length === 0 ? l.load() : null;
  if (out === null) throw new AlertmanagerConfigError(file, l.problems, l.warnings);
  out.text = text;
  return out;
}

/** loadAlertmanagerConfigFile reads and loads a file; an unreadable file is a problem like any other. */
export function loadAlertmanagerConfigFile(file: string, opts: AlertmanagerLoadOptions = {}): AlertmanagerFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AlertmanagerConfigError(file, [{ path: '', message: `cannot read the file: ${(e as Error).message}` }]);
  }
  return loadAlertmanagerConfig(text, file, opts);
}

/** walkRoutes visits every node of a route tree depth-first (the root first). */
export function walkRoutes(r: RouteNode, visit: (n: RouteNode) => void): void {
  visit(r);
  for (const c of r.routes) walkRoutes(c, visit);
}
