/**
 * Rule editing for the UI: the rule files Vigil loads (GET /api/v1/rules/files), validation
 * without saving (POST /api/v1/rules/check), saving with validation, an atomic write and a reload
 * (POST /api/v1/rules/files/save), and the starter pack's settings (GET|POST
 * /api/v1/rules/starter). Only the starter pack's copy, files in `<dataDir>/rules/` and the
 * configuration's rule files may be written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError, ok, type Route } from '../../common/api/route';
import { many, one } from '../../common/api/params';
import { loadRuleFile, type RuleFileError } from './file';
import type { RuleManager } from './manager';
import type { RuleFileEntry } from '../../common/api/alerting';
import { STARTER_COPY, writeAtomic, type StarterRules, type StarterSettings } from './starter';


/** EditOptions are what the editing routes need from the host. */
export interface EditOptions {
  rules: () => RuleManager | null;
  starter: StarterRules;
  starterSettings: () => StarterSettings;
  /** persistStarter writes the starter settings (settings.json) and returns them. */
  persistStarter: (next: StarterSettings) => StarterSettings;
}

function readText(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** checkText validates rule file text: errors with line and column, and what it holds. */
export function checkText(text: string): { ok: boolean; errors: RuleFileError[]; groups: number; rules: number } {
  const rf = loadRuleFile(text);
  return { ok: rf.errors.length === 0, errors: rf.errors, groups: rf.groups.length, rules: rf.groups.reduce((n, g) => n + g.rules.length, 0) };
}

/** ruleFiles lists the files for the editor: the starter pack, the configuration's files, the user's files. */
export function ruleFiles(o: EditOptions): RuleFileEntry[] {
  const st = o.starter;
  const out: RuleFileEntry[] = [];
  const hasCopy = fs.existsSync(st.copy);
  out.push({ path: st.copy, name: STARTER_COPY, source: 'starter', editable: true, text: hasCopy ? readText(st.copy) : st.shippedText() });
  const seen = new Set<string>([path.resolve(st.copy)]);
  for (const f of o.rules()?.configRuleFiles() ?? []) {
    const abs = path.resolve(f);
    if (seen.has(abs)) continue;
    seen.add(abs);
    out.push({ path: f, name: path.basename(f), source: 'config', editable: writable(f), text: readText(f) });
  }
  for (const f of st.userFiles()) {
    if (seen.has(path.resolve(f))) continue;
    seen.add(path.resolve(f));
    out.push({ path: f, name: path.basename(f), source: 'user', editable: true, text: readText(f) });
  }
  return out;
}

/** allowedPath says whether a path may be saved, or why not. */
export function allowedPath(o: EditOptions, p: string): string | null {
  if (p === '') return 'parameter "path" is required';
  if (!path.isAbsolute(p)) return `path ${JSON.stringify(p)} must be absolute`;
  const abs = path.resolve(p);
  if (abs === path.resolve(o.starter.copy)) return null;
  const dir = path.resolve(o.starter.dir);
  if (path.dirname(abs) === dir) {
    const base = path.basename(abs);
    if (base.startsWith('.') || !/\.ya?ml$/.test(base)) return `path ${JSON.stringify(p)}: a rule file in ${dir} must be named *.yml or *.yaml`;
    return null;
  }
  const config = (o.rules()?.configRuleFiles() ?? []).map((f) => path.resolve(f));
  if (config.includes(abs)) return null;
  const list = [o.starter.copy, `${dir}${path.sep}*.yml`, ...config].join(', ');
  return `path ${JSON.stringify(p)} may not be written: only the starter rules, files in the data folder's rules folder and the configuration's rule files may be saved (${list})`;
}

function parseBool(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${JSON.stringify(v)} is not true or false`);
}

/** ruleEditRoutes returns the editing routes. */
export function ruleEditRoutes(o: EditOptions): Route[] {
  return [
    {
      methods: ['GET'],
      readOnly: true,
      pattern: '/api/v1/rules/files',
      handler: () => ok(ruleFiles(o)),
    },
    {
      methods: ['POST'],
      readOnly: true,
      pattern: '/api/v1/rules/check',
      handler: (r) => {
        const text = one(r.params, 'text');
        if (text === undefined) throw new ApiError('bad_data', 'parameter "text" is required');
        return ok(checkText(text));
      },
    },
    {
      methods: ['POST'],
      readOnly: false,
      ipc: true,
      pattern: '/api/v1/rules/files/save',
      handler: (r) => {
        const p = one(r.params, 'path') ?? '';
        const text = one(r.params, 'text');
        const why = allowedPath(o, p);
        if (why !== null) throw new ApiError('bad_data', why);
        if (text === undefined) throw new ApiError('bad_data', 'parameter "text" is required');
        const c = checkText(text);
        if (!c.ok) {
          const first = c.errors[0]!;
          throw new ApiError('bad_data', `${p}:${first.line}:${first.column}: ${first.message}${c.errors.length > 1 ? ` (and ${c.errors.length - 1} more)` : ''}; not saved`, { errors: c.errors });
        }
        try {
          fs.mkdirSync(path.dirname(p), { recursive: true });
          writeAtomic(p, text);
        } catch (e) {
          throw new ApiError('internal', `cannot write ${p}: ${(e as Error).message}; not saved`);
        }
        const res = o.rules()?.reloadFiles();
        return ok({ saved: p, groups: c.groups, rules: c.rules }, res && !res.ok ? res.errors.map((e) => `saved, but the rules were not reloaded: ${e}`) : []);
      },
    },
    {
      methods: ['GET'],
      readOnly: true,
      pattern: '/api/v1/rules/starter',
      handler: () => ok(o.starterSettings()),
    },
    {
      methods: ['POST'],
      readOnly: false,
      ipc: true,
      pattern: '/api/v1/rules/starter',
      handler: (r) => {
        const cur = o.starterSettings();
        const enabled = parseBool(one(r.params, 'enabled'), 'enabled') ?? cur.enabled;
        const disabled = [...new Set([...many(r.params, 'disabled'), ...many(r.params, 'disabled[]')])].filter((n) => n !== '');
        const known = new Set(o.starter.ruleNames());
        const st = o.starter.starter();
        if (st) for (const g of loadRuleFile(st.text).groups) for (const x of g.rules) known.add(x.kind === 'alerting' ? x.alert : x.record);
        const unknown = disabled.filter((n) => !known.has(n));
        if (unknown.length > 0) throw new ApiError('bad_data', `invalid parameter "disabled": no starter rule named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
        const saved = o.persistStarter({ enabled, disabled });
        o.rules()?.reloadFiles();
        return ok(saved);
      },
    },
  ];
}
