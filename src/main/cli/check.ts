/**
 * `vigil check config FILE` and `vigil check rules FILE...`, reporting like promtool: one
 * `Checking FILE` line, then `SUCCESS` or `FAILED:` with each error at file:line:col.
 */
import { UsageError } from './args';
import { readInputFile } from './files';
import { loadRuleFile } from '../rules/file';
import { checkConfig as checkConfigResult, formatIssue } from '../config';

type Out = (s: string) => void;

/** checkCommand dispatches to the config or rules check. */
export async function checkCommand(positional: string[], out: Out, err: Out): Promise<number> {
  const [what, ...files] = positional;
  if (what !== 'config' && what !== 'rules') throw new UsageError('expected `check config FILE` or `check rules FILE...`');
  if (files.length === 0) throw new UsageError(`check ${what} needs at least one FILE`);
  let failed = false;
  for (const file of files) {
    out(`Checking ${file}\n`);
    const { errors, warnings } = what === 'rules' ? { errors: checkRules(file), warnings: [] } : checkConfig(file);
    for (const w of warnings) out(`  WARNING: ${w}\n`);
    if (errors.length === 0) {
      out(what === 'rules' ? `  SUCCESS: ${countRules(file)} rules found\n\n` : '  SUCCESS\n\n');
    } else {
      failed = true;
      err(`  FAILED:\n${errors.map((e) => `${e}\n`).join('')}\n`);
    }
  }
  return failed ? 1 : 0;
}

function checkRules(file: string): string[] {
  let text: string;
  try {
    text = readInputFile(file);
  } catch (e) {
    return [(e as Error).message];
  }
  return loadRuleFile(text).errors.map((e) => `${file}:${e.line}:${e.column}: ${e.message}`);
}

function countRules(file: string): number {
  return loadRuleFile(readInputFile(file)).groups.reduce((n, g) => n + g.rules.length, 0);
}

function checkConfig(file: string): { errors: string[]; warnings: string[] } {
  const r = checkConfigResult(file);
  return { errors: r.errors.map(formatIssue), warnings: r.warnings.map(formatIssue) };
}
