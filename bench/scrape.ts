/**
 * `npm run bench:scrape`: exposition parse throughput and end-to-end scrape CPU.
 *
 * 1. Parse throughput of the text and OpenMetrics parsers over a 10k-series node-exporter-style
 *    body and a 100k-series body (goal >= 3,000,000 samples/s on one core), measured as Prometheus's
 *    BenchmarkParse does: next() plus the series key, value and timestamp of every sample
 *    ("series"), and additionally with the label set materialised for every sample ("labels",
 *    which the scrape loop only does for series it has not seen before).
 * 2. End to end: 20 targets x 10k series scraped every 1 s over loopback HTTP (targets served by a
 *    child process so their CPU is not counted), parsed and appended, reporting the scraper's CPU
 *    as % of one core (goal <= 50%), with an in-process fake appender and, when available, the real
 *    storage (src/main/storage openStorage({path: ':memory:'})).
 *
 * Options: --parse-only, --e2e-only, --seconds N (e2e measurement window, default 10).
 */
import { runParseBench } from './scrape-parse';
import { runE2EBench } from './scrape-e2e';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const secIdx = args.indexOf('--seconds');
  const seconds = secIdx >= 0 ? Number(args[secIdx + 1]) : 10;
  if (!args.includes('--e2e-only')) runParseBench();
  if (!args.includes('--parse-only')) await runE2EBench(seconds);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
