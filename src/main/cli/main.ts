/**
 * The `vigil` command line. Every command runs the same core the desktop app runs, in plain Node.
 * Exit codes: 0 success, 1 failure (bad input, failed check), 2 usage error.
 */
import { UsageError, formatFlags, parseArgs, type FlagSpec } from './args';
import { VERSION } from '../util/version';
import { defaultDataDir } from '../util/paths';

type Out = (s: string) => void;

interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  run(args: { flags: Record<string, string | boolean>; positional: string[]; lists: Record<string, string[]> }, out: Out, err: Out): Promise<number>;
}

const DATA_FLAG: FlagSpec = { name: 'data', placeholder: 'DIR', help: `data folder (default: ${defaultDataDir()})` };
const KUBE_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', placeholder: 'FILE', help: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config), as kubectl' },
  { name: 'context', placeholder: 'NAME', repeatable: true, help: 'a context to monitor (repeat for several; default: the app setting, else the current context)' },
  { name: 'all-contexts', boolean: true, help: 'monitor every context of the kubeconfig' },
];
const RETENTION_FLAGS: FlagSpec[] = [
  { name: 'storage.tsdb.retention.time', placeholder: 'DURATION', help: 'how long to keep samples (default 15d, or the app setting; 0 turns it off)' },
  { name: 'storage.tsdb.retention.size', placeholder: 'SIZE', help: 'the most the store may use, oldest data deleted first (default 2GB, or the app setting; 0 turns it off)' },
];

const COMMANDS: Command[] = [
  {
    name: 'serve',
    summary: 'run the core without a window: the UI in a browser and the Prometheus API',
    usage: 'vigil serve [--config prometheus.yml] [--data DIR] [--listen 127.0.0.1:9797] [--demo[=2]] [--context NAME]... [--all-contexts] [--storage.tsdb.retention.time 15d]',
    flags: [
      { name: 'config', placeholder: 'FILE', help: 'Prometheus-style configuration file (global, scrape_configs, rule_files, ...)' },
      { name: 'alertmanager.config.file', placeholder: 'FILE', help: 'alertmanager.yml: notification routing and receivers (default <data>/alertmanager.yml when it exists, else the built-in one)' },
      DATA_FLAG,
      { name: 'listen', placeholder: 'HOST:PORT', help: 'address of the UI and API (default 127.0.0.1:9797; port 0 picks a free one)' },
      { name: 'demo', optionalValue: true, placeholder: 'N', help: 'monitor a simulated cluster (--demo=2: two clusters) through its own fake API server, in a data folder of its own' },
      ...KUBE_FLAGS,
      ...RETENTION_FLAGS,
      { name: 'log-level', placeholder: 'LEVEL', help: 'debug, info, warn or error (default info)' },
      { name: 'enable-feature', placeholder: 'LIST', help: "comma-separated Prometheus feature flags, e.g. promql-experimental-functions" },
    ],
    run: async ({ flags, lists }, out, err) => (await import('./serve')).serveCommand(flags, out, err, lists),
  },
  {
    name: 'host',
    summary: '(internal) run the core for the desktop shell, answering API calls over the parent port',
    usage: 'vigil host [--config FILE] [--data DIR] [--demo[=2]]',
    flags: [
      { name: 'config', placeholder: 'FILE', help: 'configuration file' },
      { name: 'alertmanager.config.file', placeholder: 'FILE', help: 'alertmanager.yml' },
      DATA_FLAG,
      { name: 'listen', placeholder: 'HOST:PORT', help: 'address of the API for Grafana and promtool (default 127.0.0.1:9797)' },
      { name: 'demo', optionalValue: true, help: 'demo mode (--demo=2: two clusters)' },
      ...KUBE_FLAGS,
      ...RETENTION_FLAGS,
      { name: 'log-level', placeholder: 'LEVEL', help: 'log level' },
      { name: 'enable-feature', placeholder: 'LIST', help: 'comma-separated Prometheus feature flags' },
    ],
    run: async ({ flags, lists }, out, err) => (await import('./serve')).hostCommand(flags, out, err, lists),
  },
  {
    name: 'contexts',
    summary: 'list the kubeconfig contexts (as kubectl config get-contexts), which Vigil monitors, and their connection state',
    usage: 'vigil contexts [--kubeconfig FILE] [--offline]',
    flags: [KUBE_FLAGS[0]!, { name: 'offline', boolean: true, help: 'do not contact the API servers' }, DATA_FLAG],
    run: async ({ flags }, out, err) => (await import('./contexts')).contextsCommand(flags, out, err),
  },
  {
    name: 'query',
    summary: 'evaluate a PromQL expression against the store',
    usage: 'vigil query EXPR [--time T | --start S --end E --step D] [--format json|csv|table] [--data DIR]',
    flags: [
      { name: 'time', placeholder: 'T', help: 'evaluation time (RFC 3339 or Unix seconds; default now)' },
      { name: 'start', placeholder: 'S', help: 'range query start' },
      { name: 'end', placeholder: 'E', help: 'range query end' },
      { name: 'step', placeholder: 'D', help: 'range query step (duration or seconds)' },
      { name: 'format', placeholder: 'FMT', help: 'json (the API envelope), csv or table (default table)' },
      DATA_FLAG,
    ],
    run: async ({ flags, positional }, out, err) => (await import('./query')).queryCommand(flags, positional, out, err),
  },
  {
    name: 'import',
    summary: 'backfill an OpenMetrics file with timestamps into the store',
    usage: 'vigil import FILE [--data DIR]',
    flags: [DATA_FLAG],
    run: async ({ flags, positional }, out, err) => (await import('./import')).importCommand(flags, positional, out, err),
  },
  {
    name: 'conformance',
    summary: "run PromQL test scripts (Prometheus's promqltest format)",
    usage: 'vigil conformance DIR [--json] [--skip-native-histograms] [--filter TEXT]',
    flags: [
      { name: 'json', boolean: true, help: 'print results as JSON' },
      { name: 'skip-native-histograms', boolean: true, help: 'skip evals that involve native histograms (counted separately)' },
      { name: 'filter', placeholder: 'TEXT', help: 'only files whose name contains TEXT' },
    ],
    run: async ({ flags, positional }, out, err) => (await import('./conformance')).conformanceCommand(flags, positional, out, err),
  },
  {
    name: 'config',
    summary: 'show the configuration Vigil runs, or (--defaults) the scrape jobs it generates for Kubernetes contexts',
    usage: 'vigil config show [--defaults] [--context NAME]... [--config FILE] [--kubeconfig FILE] [--offline]',
    flags: [
      { name: 'defaults', boolean: true, help: 'only the default jobs of the contexts (a prometheus.yml to copy and override)' },
      { name: 'config', placeholder: 'FILE', help: 'your configuration file, to show it with the default jobs it does not replace' },
      KUBE_FLAGS[0]!,
      { name: 'context', placeholder: 'NAME', repeatable: true, help: 'a context (repeat for several; default: the monitored ones)' },
      { name: 'offline', boolean: true, help: 'do not ask the API servers what the user may do' },
      DATA_FLAG,
    ],
    run: async ({ flags, positional, lists }, out, err) => (await import('./config')).configCommand(flags, positional, lists, out, err),
  },
  {
    name: 'check',
    summary: 'validate a configuration or rule file: vigil check config FILE | vigil check rules FILE...',
    usage: 'vigil check config FILE\n       vigil check rules FILE...',
    flags: [],
    run: async ({ positional }, out, err) => (await import('./check')).checkCommand(positional, out, err),
  },
];

function globalHelp(): string {
  const lines = [
    `Vigil ${VERSION}: Prometheus's whole job for the clusters in your kubeconfig, from your laptop.`,
    '',
    'Usage: vigil COMMAND [flags]',
    '',
    'Commands:',
    ...COMMANDS.filter((c) => c.name !== 'host').map((c) => `  ${c.name.padEnd(13)} ${c.summary}`),
    '',
    'Run `vigil COMMAND --help` for the flags of a command.',
    '`npm start` opens the desktop app (or serve mode where no desktop is available).',
  ];
  return lines.join('\n') + '\n';
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n${c.flags.length ? `\nFlags:\n${formatFlags(c.flags)}\n` : ''}`;
}

/** main runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], out: Out = (s) => process.stdout.write(s), err: Out = (s) => process.stderr.write(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(globalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    out(`vigil ${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    err(`vigil: unknown command ${JSON.stringify(name)}\n\n${globalHelp()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs(rest, [...cmd.flags, { name: 'help', boolean: true, help: 'show this help' }]);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`vigil ${cmd.name}: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    throw e;
  }
  if (parsed.flags.help) {
    out(commandHelp(cmd));
    return 0;
  }
  try {
    return await cmd.run(parsed, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`vigil ${cmd.name}: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    err(`vigil ${cmd.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.VIGIL_DEBUG) err(`${(e as Error).stack}\n`);
    return 1;
  }
}
