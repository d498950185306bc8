/**
 * `vigil contexts`: the kubeconfig's contexts as `kubectl config get-contexts` lists them, plus
 * whether Vigil monitors each and its connection state (each context's API server is asked for
 * /version, at most 5 s each, all at once).
 */
import { KubeContexts } from '../kube/contexts';
import { contextsTable, formatProblem } from '../kube/kubeconfig';
import { KubeError } from '../kube/errors';
import { SettingsStore } from '../host/settings';
import { defaultDataDir } from '../util/paths';
import * as path from 'node:path';

type Out = (s: string) => void;

/** contextsCommand prints the contexts; exit code 1 when the kubeconfig has none. */
export async function contextsCommand(flags: Record<string, string | boolean>, out: Out, err: Out): Promise<number> {
  const dataDir = typeof flags.data === 'string' ? path.resolve(flags.data) : defaultDataDir();
  const settings = new SettingsStore(dataDir).get().contexts ?? {};
  const kube = new KubeContexts({
    source: typeof flags.kubeconfig === 'string' ? { explicit: flags.kubeconfig } : {},
    watch: false,
    monitored: settings.monitored,
    allContexts: settings.all,
    clusterLabels: settings.clusterLabels,
    execTimeoutMs: 10_000,
  });
  try {
    const kc = kube.kubeconfig;
    for (const p of kc.problems) err(`vigil contexts: ${formatProblem(p)}\n`);
    if (kc.contexts.size === 0) {
      err(`vigil contexts: no contexts in ${kc.files.join(', ')}\n`);
      return 1;
    }
    const states = new Map<string, string>();
    const errors: string[] = [];
    if (flags.offline !== true) {
      await Promise.all(
        [...kc.contexts.keys()].map(async (name) => {
          try {
            await kube.client(name).json('/version', { signal: AbortSignal.timeout(5000), what: 'GET /version' });
            states.set(name, 'connected');
          } catch (e) {
            const ke = e instanceof KubeError ? e : null;
            states.set(name, ke?.kind === 'canceled' ? 'unreachable' : (ke?.state ?? 'error'));
            errors.push((e as Error).message);
          }
        }),
      );
    }
    const mon = new Set(kube.monitored());
    out(contextsTable(kc, { header: 'VIGIL', value: (n) => `${mon.has(n) ? 'monitored' : '-'}${states.has(n) ? `, ${states.get(n)}` : ''}` }));
    for (const e of errors.sort()) err(`${e}\n`);
    return 0;
  } finally {
    kube.stop();
  }
}
