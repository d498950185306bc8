/**
 * Developer entry point: `npx tsx src/main/promql/promqltest/cli.ts DIR [--json]
 * [--skip-native-histograms] [--filter=file.test[:LINE]]` runs the conformance scripts.
 */
import { runConformance } from './index';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (dir === undefined) {
    process.stderr.write('usage: cli.ts DIR [--json] [--skip-native-histograms] [--filter=F]\n');
    process.exit(2);
  }
  const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
  const res = await runConformance(
    dir,
    { skipNativeHistograms: args.includes('--skip-native-histograms'), json: args.includes('--json'), filter },
    (l) => process.stdout.write(l + '\n'),
  );
  process.exit(res.failed > 0 ? 1 : 0);
}

void main();
