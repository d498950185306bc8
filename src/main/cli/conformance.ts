/**
 * `vigil conformance DIR`: runs PromQL test scripts and ends with `N passed, N failed`.
 */
import * as fs from 'node:fs';
import { UsageError } from './args';
import { runConformance } from '../promql/promqltest';

type Out = (s: string) => void;

/** conformanceCommand runs the scripts in DIR. */
export async function conformanceCommand(flags: Record<string, string | boolean>, positional: string[], out: Out, err: Out): Promise<number> {
  const dir = positional[0];
  if (!dir || positional.length > 1) throw new UsageError('expected exactly one DIR');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    err(`vigil conformance: ${dir}: not a directory\n`);
    return 1;
  }
  const res = await runConformance(
    dir,
    { skipNativeHistograms: flags['skip-native-histograms'] === true, json: flags.json === true, filter: typeof flags.filter === 'string' ? flags.filter : undefined },
    (line) => out(line + '\n'),
  );
  return res.failed > 0 ? 1 : 0;
}
