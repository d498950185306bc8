/**
 * `vigil serve` (the core with the UI over HTTP) and `vigil host` (the core inside the desktop
 * app's utility process, answering the window's API calls over Electron's parent port).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { UsageError } from './args';
import { serveShell, startCore, type Core, type ParentPort } from '../host';
import { createLogger, type LogLevel } from '../util/log';
import { defaultDataDir, demoDataDir } from '../util/paths';
import type { EngineOpts } from '../promql/value';

type Out = (s: string) => void;

/** DEFAULT_LISTEN is where the UI and API are served unless --listen says otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:9797';

/** parseListen splits HOST:PORT (IPv6 in brackets). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(s);
  if (!m) throw new UsageError(`--listen must be HOST:PORT, got ${JSON.stringify(s)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--listen port out of range: ${port}`);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1] || '127.0.0.1';
  return { host, port };
}

function uiDir(): string | null {
  // out/main/cli.js (and its chunks) -> out/renderer
  for (const d of [path.join(__dirname, '..', 'renderer'), path.join(__dirname, '..', '..', 'renderer')]) {
    if (fs.existsSync(path.join(d, 'index.html'))) return d;
  }
  return null;
}

function logLevel(flags: Record<string, string | boolean>): LogLevel {
  const l = (flags['log-level'] as string | undefined) ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(l)) throw new UsageError(`--log-level must be debug, info, warn or error`);
  return l as LogLevel;
}

/**
 * FEATURES maps Prometheus's --enable-feature names to engine options. Like Prometheus, every
 * experimental PromQL feature is off unless enabled.
 */
export const FEATURES: Record<string, Partial<EngineOpts>> = {
  'promql-experimental-functions': { enableExperimentalFunctions: true },
  'promql-duration-expr': { enableDurationExpressions: true },
  'promql-extended-range-selectors': { enableExtendedRangeSelectors: true },
  'promql-binop-fill-modifiers': { enableBinopFillModifiers: true },
  'type-and-unit-labels': { enableTypeAndUnitLabels: true },
  'promql-delayed-name-removal': { enableDelayedNameRemoval: true },
};

/** engineOptsFromFeatures parses --enable-feature. */
export function engineOptsFromFeatures(list: string | undefined): Partial<EngineOpts> {
  const out: Partial<EngineOpts> = {};
  for (const f of (list ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const o = FEATURES[f];
    if (!o) throw new UsageError(`unknown feature ${JSON.stringify(f)}; known: ${Object.keys(FEATURES).join(', ')}`);
    Object.assign(out, o);
  }
  return out;
}

/** demoCount reads --demo (1 cluster) or --demo=N (1 or 2); 0 without the flag. */
export function demoCount(v: string | boolean | undefined): number {
  if (v === undefined || v === false || v === 'false') return 0;
  if (v === true || v === 'true') return 1;
  if (v !== '1' && v !== '2') throw new UsageError(`flag --demo takes 1 or 2 (clusters), got ${JSON.stringify(v)}`);
  return Number(v);
}

/** dataDirOf is --data, else the demo's own folder in demo mode, else the user's data folder. */
export function dataDirOf(flags: Record<string, string | boolean>): string {
  if (typeof flags.data === 'string') return path.resolve(flags.data);
  return demoCount(flags.demo) > 0 ? demoDataDir() : defaultDataDir();
}

/**
 * HEAP_GROWING_PERCENT bounds the garbage V8 lets pile up between full collections: by default the
 * old generation may grow to 1.1-4x the live heap, which for an app that runs all day beside
 * everything else is hundreds of megabytes of garbage (a scrape body, its series texts). With 30%
 * a full collection comes sooner and costs little (most marking runs on a helper thread).
 * A --heap-growing-percent given to node (NODE_OPTIONS, execArgv) wins.
 */
const HEAP_GROWING_PERCENT = 30;

function boundHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  if (!given) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

async function start(flags: Record<string, string | boolean>, listen: string, lists: Record<string, string[]> = {}): Promise<Core> {
  boundHeapGrowth();
  const { host, port } = parseListen(listen);
  const demo = demoCount(flags.demo);
  if (demo > 0 && (flags.kubeconfig !== undefined || (lists.context?.length ?? 0) > 0 || flags['all-contexts'] === true)) {
    throw new UsageError('--demo monitors its own simulated clusters; it does not take --kubeconfig, --context or --all-contexts');
  }
  const configFile = typeof flags.config === 'string' ? flags.config : null;
  if (configFile && !fs.existsSync(configFile)) throw new Error(`${configFile}: no such file`);
  const alertmanagerConfigFile = typeof flags['alertmanager.config.file'] === 'string' ? flags['alertmanager.config.file'] : undefined;
  if (alertmanagerConfigFile && !fs.existsSync(alertmanagerConfigFile)) throw new Error(`${alertmanagerConfigFile}: no such file`);
  try {
    return await startCore({
      dataDir: dataDirOf(flags),
      configFile,
      alertmanagerConfigFile,
      host,
      port,
      demo,
      uiDir: uiDir(),
      engine: engineOptsFromFeatures(typeof flags['enable-feature'] === 'string' ? flags['enable-feature'] : undefined),
      logger: createLogger('vigil', logLevel(flags)),
      kubeconfig: typeof flags.kubeconfig === 'string' ? flags.kubeconfig : undefined,
      contexts: lists.context,
      allContexts: flags['all-contexts'] === true,
      retention: {
        time: typeof flags['storage.tsdb.retention.time'] === 'string' ? flags['storage.tsdb.retention.time'] : undefined,
        size: typeof flags['storage.tsdb.retention.size'] === 'string' ? flags['storage.tsdb.retention.size'] : undefined,
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`${listen} is already in use (is another Vigil running?). Choose another address with --listen, e.g. --listen 127.0.0.1:0`);
    }
    throw e;
  }
}

function waitForSignal(core: Core, err: Out): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      err(`vigil: ${sig} received, shutting down\n`);
      void core.stop().then(() => resolve(0));
    };
    // SIGHUP reloads the rule files, as Prometheus reloads on SIGHUP (a file that does not load keeps the old rules).
    const hup = (): void => {
      const r = core.rules.reloadFiles();
      err(r.ok ? 'vigil: SIGHUP received, rule files reloaded\n' : `vigil: SIGHUP received, the rule files were not reloaded:\n  ${r.errors.join('\n  ')}\n`);
    };
    process.on('SIGHUP', hup);
    process.once('SIGINT', () => (process.off('SIGHUP', hup), stop('SIGINT')));
    process.once('SIGTERM', () => (process.off('SIGHUP', hup), stop('SIGTERM')));
  });
}

/** serveCommand runs until SIGINT/SIGTERM. */
export async function serveCommand(flags: Record<string, string | boolean>, out: Out, err: Out, lists: Record<string, string[]> = {}): Promise<number> {
  const listen = typeof flags.listen === 'string' ? flags.listen : DEFAULT_LISTEN;
  const core = await start(flags, listen, lists);
  out(`Vigil is serving at ${core.url}\n`);
  out(`  UI:  ${core.url}/\n  API: ${core.url}/api/v1/  (Prometheus-compatible: point Grafana or promtool here)\n`);
  const monitored = core.kube.monitored();
  if (monitored.length > 0) out(`  Kubernetes: monitoring context${monitored.length > 1 ? 's' : ''} ${monitored.join(', ')} (${core.kube.kubeconfig.files.join(', ')})\n`);
  if (core.demo) {
    const n = core.demo.contexts.length;
    out(`  Demo mode: ${n === 1 ? 'a simulated cluster' : `${n} simulated clusters`} (${core.demo.contexts.join(', ')}) monitored through its own fake API server; data in ${dataDirOf(flags)} (your own data folder is not touched).\n`);
    out(`  Try \`sum by (cluster, namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))\` or \`kube_pod_container_status_restarts_total > 0\`.\n`);
  }
  return waitForSignal(core, err);
}

/** hostCommand runs the core for the desktop shell. */
export async function hostCommand(flags: Record<string, string | boolean>, out: Out, err: Out, lists: Record<string, string[]> = {}): Promise<number> {
  const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (!parent) throw new Error('vigil host runs inside the desktop app only; use `vigil serve`');
  let core: Core;
  try {
    core = await start(flags, typeof flags.listen === 'string' ? flags.listen : DEFAULT_LISTEN, lists);
  } catch (e) {
    // The window still works over IPC when the API port is taken: fall back to a free port.
    if (!/already in use/.test((e as Error).message)) throw e;
    err(`vigil: ${(e as Error).message}; using a free port instead\n`);
    core = await start(flags, '127.0.0.1:0', lists);
  }
  out(`Vigil core is serving the API at ${core.url}\n`);
  serveShell(core, parent, () => void core.stop().then(() => process.exit(0)));
  return waitForSignal(core, err);
}
