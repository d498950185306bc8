/**
 * The starter rule pack: resources/rules/vigil-starter.rules.yml, shipped with the app and loaded
 * on every start besides the configuration's rule_files. On first start a copy is written to
 * `<dataDir>/rules/starter.rules.yml` for the user to edit; later starts load that copy. A copy
 * that does not load is reported with file:line:col and the shipped file is loaded instead (the
 * copy is left as it is). Rules the settings switch off are left out of the loaded groups. Other
 * rule files the user keeps in `<dataDir>/rules/` (*.yml, *.yaml) are loaded too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../util/log';
import { loadRuleFile } from './file';
import type { ExtraRuleFile } from './manager';

/** STARTER_RESOURCE is the shipped file, relative to the app's root. */
export const STARTER_RESOURCE = path.join('resources', 'rules', 'vigil-starter.rules.yml');
/** USER_RULES_DIR is the folder of the user's rule files in the data folder. */
export const USER_RULES_DIR = 'rules';
/** STARTER_COPY is the user's copy of the starter pack in USER_RULES_DIR. */
export const STARTER_COPY = 'starter.rules.yml';

/** StarterSettings are the settings' `rules.starter`. */
export interface StarterSettings {
  enabled: boolean;
  disabled: string[];
}

/**
 * shippedStarterPath finds the shipped file: the app's root is above the code (src/main/rules in a
 * checkout, out/main in a build, app.asar in a package), so the folders above are searched.
 */
export function shippedStarterPath(from: string = typeof __dirname === 'string' ? __dirname : process.cwd()): string | null {
  let dir = path.resolve(from);
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, STARTER_RESOURCE);
    if (fs.existsSync(p)) return p;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** StarterOptions configure StarterRules. */
export interface StarterOptions {
  dataDir: string;
  logger: Logger;
  settings: () => StarterSettings;
  /** shipped overrides where the shipped file is (tests); default shippedStarterPath(). */
  shipped?: string | null;
}

/** StarterRules provides the starter pack and the user's rule files to the rule manager. */
export class StarterRules {
  readonly dir: string;
  readonly copy: string;
  readonly shipped: string | null;
  private lastProblem = '';

  constructor(private readonly opts: StarterOptions) {
    this.dir = path.join(opts.dataDir, USER_RULES_DIR);
    this.copy = path.join(this.dir, STARTER_COPY);
    this.shipped = opts.shipped !== undefined ? opts.shipped : shippedStarterPath();
    if (this.shipped === null) opts.logger('error', `the starter rule pack (${STARTER_RESOURCE}) is not found next to the app; only the configured rule files are loaded`, { component: 'rules' });
  }

  /** shippedText is the shipped file's text ('' when it is missing). */
  shippedText(): string {
    if (this.shipped === null) return '';
    try {
      return fs.readFileSync(this.shipped, 'utf8');
    } catch (e) {
      this.opts.logger('error', `cannot read the starter rule pack ${this.shipped}: ${(e as Error).message}`, { component: 'rules' });
      return '';
    }
  }

  /** ensureCopy writes the user's copy when there is none (first start); failures are logged. */
  ensureCopy(): void {
    if (fs.existsSync(this.copy)) return;
    const text = this.shippedText();
    if (text === '') return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      writeAtomic(this.copy, text);
      this.opts.logger('info', `wrote the starter rule pack to ${this.copy}; edit it there`, { component: 'rules' });
    } catch (e) {
      this.opts.logger('warn', `cannot write the starter rule pack to ${this.copy}: ${(e as Error).message}`, { component: 'rules' });
    }
  }

  /**
   * starter returns the starter pack to load: the user's copy, or the shipped file when the copy is
   * missing or does not load (each problem logged once with file:line:col); null when switched off.
   */
  starter(): ExtraRuleFile | null {
    const s = this.opts.settings();
    if (!s.enabled) return null;
    const disabled = new Set(s.disabled);
    let text: string | null = null;
    try {
      text = fs.readFileSync(this.copy, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.report(`${this.copy}: ${(e as Error).message}; loading the shipped starter rules instead`);
    }
    if (text !== null) {
      const rf = loadRuleFile(text);
      if (rf.errors.length === 0) {
        this.lastProblem = '';
        return { file: this.copy, text, disabled };
      }
      this.report(rf.errors.map((e) => `${this.copy}:${e.line}:${e.column}: ${e.message}`).join('; ') + '; loading the shipped starter rules instead');
    }
    const shipped = this.shippedText();
    if (shipped === '' || this.shipped === null) return null;
    return { file: this.shipped, text: shipped, disabled };
  }

  /** userFiles are the other rule files in the data folder's rules/ (sorted). */
  userFiles(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n !== STARTER_COPY && /\.ya?ml$/.test(n) && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(this.dir, n))
      .filter((p) => {
        try {
          return fs.statSync(p).isFile();
        } catch {
          return false;
        }
      });
  }

  /** extraRules is the rule manager's source of extra files: the starter pack, then the user's files. */
  extraRules(): ExtraRuleFile[] {
    const out: ExtraRuleFile[] = [];
    const st = this.starter();
    if (st) out.push(st);
    for (const f of this.userFiles()) {
      try {
        out.push({ file: f, text: fs.readFileSync(f, 'utf8') });
      } catch (e) {
        this.report(`${f}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  /** ruleNames lists the shipped pack's rule names (what `disabled` may name). */
  ruleNames(): string[] {
    const rf = loadRuleFile(this.shippedText());
    return rf.groups.flatMap((g) => g.rules.map((r) => (r.kind === 'alerting' ? r.alert : r.record)));
  }

  private report(problem: string): void {
    if (problem === this.lastProblem) return;
    this.lastProblem = problem;
    this.opts.logger('error', `starter rules: ${problem}`, { component: 'rules' });
  }
}

/** writeAtomic writes a file through a temporary file and a rename, so readers never see half of it. */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
