/**
 * `vigil config show`: the configuration Vigil runs, or with --defaults only the default jobs it
 * generates for Kubernetes contexts (the monitored ones, or those named with --context), as a
 * prometheus.yml the user can read, copy and override. Each context's API server is asked (at
 * most 5 s) what the user may do, so jobs the cluster refuses show as skipped, with why;
 * --offline skips that.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { KubeContexts } from '../kube/contexts';
import { formatProblem } from '../kube/kubeconfig';
import { SettingsStore } from '../host/settings';
import { defaultConfigYaml } from '../host/core';
import { DEFAULT_LISTEN } from './serve';
import { defaultsDocument, defaultScrapeConfigs, type ContextDefaults } from '../cluster/defaults';
import { probeContext } from '../cluster/probe';
import { disabledFor, intervalFor } from '../cluster/settings';
import { withScrapeConfigs } from '../config/compose';
import { loadConfig } from '../config';
import { defaultDataDir } from '../util/paths';

type Out = (s: string) => void;

/** configCommand runs `vigil config SUBCOMMAND`. */
export async function configCommand(flags: Record<string, string | boolean>, positional: string[], lists: Record<string, string[]>, out: Out, err: Out): Promise<number> {
  if (positional[0] !== 'show' || positional.length > 1) throw new UsageError('usage: vigil config show [--defaults] [--context NAME]... [--config FILE]');
  const dataDir = typeof flags.data === 'string' ? path.resolve(flags.data) : defaultDataDir();
  const store = new SettingsStore(dataDir);
  if (store.problem !== '') err(`vigil config: ${store.problem}; using defaults\n`);
  const s = store.get();
  const named = lists.context ?? [];
  const kube = new KubeContexts({
    source: typeof flags.kubeconfig === 'string' ? { explicit: flags.kubeconfig } : {},
    watch: false,
    monitored: named.length > 0 ? named : s.contexts?.monitored,
    allContexts: named.length > 0 ? false : s.contexts?.all,
    clusterLabels: s.contexts?.clusterLabels,
    execTimeoutMs: 10_000,
  });
  try {
    for (const p of kube.kubeconfig.problems) err(`vigil config: ${formatProblem(p)}\n`);
    const missing = kube.missingMonitored();
    if (missing.length > 0) {
      err(`vigil config: no context ${missing.join(', ')} in ${kube.kubeconfig.files.join(', ')}\n`);
      return 1;
    }
    const cs = s.cluster ?? {};
    const contexts: ContextDefaults[] = [];
    for (const context of kube.monitored()) {
      const skipped = new Map<string, string>();
      if (flags.offline !== true) {
        try {
          const r = await probeContext(kube.client(context), context, AbortSignal.timeout(5000));
          for (const [j, why] of r.skipped) skipped.set(j, why);
        } catch (e) {
          err(`vigil config: context ${context}: cannot check permissions (${(e as Error).message}); showing every job\n`);
        }
      }
      contexts.push({ context, interval: intervalFor(cs, context), disabled: disabledFor(cs, context), skipped });
    }
    if (flags.defaults === true) {
      out(defaultsDocument(contexts));
      return 0;
    }
    const file = typeof flags.config === 'string' ? flags.config : null;
    let base: string;
    if (file !== null) {
      if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
      base = fs.readFileSync(file, 'utf8');
    } else base = defaultConfigYaml(DEFAULT_LISTEN);
    const composed = withScrapeConfigs(base, contexts.map((c) => defaultScrapeConfigs(c)).join(''));
    loadConfig(composed.yaml, file ?? '');
    if (composed.overridden.length > 0) err(`vigil config: ${file} replaces the default jobs ${composed.overridden.join(', ')}\n`);
    out(composed.yaml);
    return 0;
  } finally {
    kube.stop();
  }
}
