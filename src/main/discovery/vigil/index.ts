/**
 * Vigil's own targets per Kubernetes context (`vigil_sd_configs`, a Vigil extension):
 *
 *  - `role: kube-state`: one virtual target per context whose samples Vigil synthesizes from the
 *    objects it watches (kube-state-metrics's series without kube-state-metrics); the composition
 *    root gives it its transport, recognised by `__meta_vigil_role`;
 *  - `role: apiserver`: the context's API server itself (its `/metrics`), scraped with the
 *    context's credentials, only when the user may `get /metrics` (an access review says so;
 *    a refusal is noted on the context, and checked again every 10 minutes).
 *
 * `context` names one context; without it, every context Vigil monitors, following the user's
 * choice. Groups carry their context as their origin, so targets get its `cluster` label.
 */
import { labelsFromRecord } from '../../../common/model/labels';
import type { YNode } from '../../config/yamlwalk';
import { canI, canIHintFor, type Permission } from '../../kube/access';
import type { KubeContexts } from '../../kube/contexts';
import type { Discoverer, DiscovererOptions, DiscoveryKind, SDConfigContext } from '../discoverer';
import type { SDConfig, TargetGroup } from '../targetgroup';

/** VigilRole is a vigil_sd_configs role. */
export type VigilRole = 'kube-state' | 'apiserver';

/** VIGIL_ROLES lists the roles. */
export const VIGIL_ROLES: readonly VigilRole[] = ['kube-state', 'apiserver'];

/** VigilSDConfig is one vigil_sd_configs entry. */
export interface VigilSDConfig extends SDConfig {
  readonly kind: 'vigil';
  role: VigilRole;
  /** context is the kubeconfig context ('' for every monitored one). */
  context: string;
}

/** ROLE_LABEL and CONTEXT_LABEL are the discovered labels of a Vigil target. */
export const ROLE_LABEL = '__meta_vigil_role';
export const CONTEXT_LABEL = '__meta_vigil_context';

/** KUBE_STATE_ADDRESS is the address of the virtual kube-state target (it is never dialled). */
export const KUBE_STATE_ADDRESS = 'vigil-kube-state';

/** METRICS_PERMISSION is what scraping the API server's /metrics needs. */
export const METRICS_PERMISSION: Permission = { verb: 'get', path: '/metrics' };

const RECHECK_MS = 10 * 60_000;
const RETRY_MS = 30_000;

function parseVigilSD(n: YNode, ctx: SDConfigContext): VigilSDConfig | null {
  const w = ctx.w;
  const f = w.fields(n, 'vigil.SDConfig', ['role', 'context']);
  if (f === null) return null;
  const roleNode = f.get('role')?.value ?? null;
  const role = w.str(roleNode);
  if (role === '') {
    w.err(n, `role missing (one of: ${VIGIL_ROLES.join(', ')})`);
    return null;
  }
  if (!VIGIL_ROLES.includes(role as VigilRole)) {
    w.err(roleNode, `unknown vigil_sd_configs role ${JSON.stringify(role)} (one of: ${VIGIL_ROLES.join(', ')})`);
    return null;
  }
  return { kind: 'vigil', role: role as VigilRole, context: w.str(f.get('context')?.value ?? null), line: w.position(n).line };
}

/** apiServerTarget returns the address, scheme and path prefix of a context's API server URL. */
export function apiServerTarget(server: string): { address: string; scheme: string } {
  const u = new URL(server);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return { address: `${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${port}`, scheme: u.protocol.replace(':', '') };
}

/** VigilDiscoverer runs one vigil_sd_configs entry. */
class VigilDiscoverer implements Discoverer {
  /** allowed remembers the last access review per context (apiserver role). */
  private readonly checked = new Map<string, { at: number; allowed: boolean | null }>();
  private timer: NodeJS.Timeout | null = null;
  /** emitted holds each emitted group's JSON by source (unchanged groups are not sent again). */
  private emitted = new Map<string, string>();

  constructor(
    private readonly cfg: VigilSDConfig,
    private readonly o: DiscovererOptions,
  ) {}

  async run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void> {
    const kube = this.o.kube;
    up([]);
    if (!kube) {
      this.o.logger('error', `vigil_sd_configs (line ${this.cfg.line}): no kubeconfig is loaded`, { role: this.cfg.role });
      return;
    }
    let running = false;
    let again = false;
    const sync = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const groups = await this.groups(kube, signal);
          if (signal.aborted) return;
          const next = new Map(groups.map((g) => [g.source, JSON.stringify(g)]));
          const out = [...groups.filter((g) => this.emitted.get(g.source) !== next.get(g.source)), ...[...this.emitted.keys()].filter((s) => !next.has(s)).map((source) => ({ source, targets: [], labels: [] }))];
          this.emitted = next;
          if (out.length > 0) up(out);
        } while (again && !signal.aborted);
      } finally {
        running = false;
      }
    };
    const unsub = kube.onChange(() => void sync());
    await sync();
    const tick = (): void => {
      this.timer = setTimeout(() => {
        void sync().finally(() => !signal.aborted && tick());
      }, this.cfg.role === 'apiserver' ? RETRY_MS : RECHECK_MS);
      this.timer.unref?.();
    };
    tick();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    unsub();
    if (this.timer) clearTimeout(this.timer);
  }

  private async groups(kube: KubeContexts, signal: AbortSignal): Promise<TargetGroup[]> {
    const names = this.cfg.context !== '' ? [this.cfg.context] : kube.monitored();
    const out: TargetGroup[] = [];
    for (const name of names) {
      const origin = { kind: 'kubernetes' as const, context: name, clusterLabel: kube.clusterLabel(name) };
      const source = `vigil/${this.cfg.role}/${name}`;
      if (this.cfg.role === 'kube-state') {
        out.push({ source, targets: [labelsFromRecord({ __address__: KUBE_STATE_ADDRESS })], labels: labelsFromRecord({ [ROLE_LABEL]: 'kube-state', [CONTEXT_LABEL]: name }), origin });
        continue;
      }
      let server: string;
      try {
        server = kube.client(name).server;
      } catch (e) {
        this.o.logger('error', (e as Error).message, { context: name });
        continue;
      }
      if (!(await this.mayReadMetrics(kube, name, signal))) continue;
      const t = apiServerTarget(server);
      out.push({ source, targets: [labelsFromRecord({ __address__: t.address, __scheme__: t.scheme })], labels: labelsFromRecord({ [ROLE_LABEL]: 'apiserver', [CONTEXT_LABEL]: name }), origin });
    }
    return out;
  }

  /** mayReadMetrics asks (at most every 10 minutes once answered) whether the user may get /metrics. */
  private async mayReadMetrics(kube: KubeContexts, name: string, signal: AbortSignal): Promise<boolean> {
    const prev = this.checked.get(name);
    if (prev && prev.allowed !== null && Date.now() - prev.at < RECHECK_MS) return prev.allowed;
    let allowed: boolean | null;
    try {
      allowed = await canI(kube.client(name), METRICS_PERMISSION, signal);
    } catch (e) {
      // Unknown (unreachable, or reviews refused): keep the last answer, ask again soon.
      this.o.logger('debug', `cannot check whether the API server's /metrics may be read: ${(e as Error).message}`, { context: name });
      allowed = prev?.allowed ?? null;
      this.checked.set(name, { at: 0, allowed });
      return allowed === true;
    }
    this.checked.set(name, { at: Date.now(), allowed });
    kube.setNote(name, 'apiserver', allowed ? '' : `the API server's own /metrics is not scraped: the user may not get /metrics (check with \`${canIHintFor(METRICS_PERMISSION, name)}\`)`);
    return allowed;
  }
}

/** vigilDiscovery is the `vigil` kind. */
export const vigilDiscovery: DiscoveryKind<VigilSDConfig> = {
  kind: 'vigil',
  parse: (item, ctx) => parseVigilSD(item, ctx),
  key: (c) => `${c.role}\x00${c.context}`,
  create: (c, opts) => new VigilDiscoverer(c, opts),
};
