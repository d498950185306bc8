/**
 * What the UI's context switcher asks of the Kubernetes connection: the kubeconfig's contexts with
 * their connection state, and choosing which to monitor (the choice is persisted by the host).
 */
import { ApiError, ok, type Route } from '../../common/api/route';
import { many, one } from '../../common/api/params';
import { formatProblem } from './kubeconfig';
import type { KubeContexts } from './contexts';

/** KubeRouteDeps are what the context routes use. */
export interface KubeRouteDeps {
  contexts: KubeContexts;
  /** persist stores the monitored choice (the app's settings). */
  persist(monitored: string[], all: boolean): void;
}

/** contextsData is the answer of GET /api/v1/vigil/contexts. */
export function contextsData(c: KubeContexts): unknown {
  return {
    current: c.currentContext(),
    monitored: c.monitored(),
    missing: c.missingMonitored(),
    files: c.kubeconfig.files,
    problems: c.kubeconfig.problems.map(formatProblem),
    contexts: c.list(),
  };
}

/** kubeRoutes returns the routes of the context switcher. */
export function kubeRoutes(d: KubeRouteDeps): Route[] {
  return [
    { methods: ['GET'], pattern: '/api/v1/vigil/contexts', readOnly: true, handler: () => ok(contextsData(d.contexts)) },
    {
      methods: ['POST'],
      pattern: '/api/v1/vigil/contexts/select',
      readOnly: false,
      ipc: true,
      handler: (r) => {
        const all = one(r.params, 'all') === 'true';
        const names = many(r.params, 'context[]').concat(many(r.params, 'context'));
        const known = new Set(d.contexts.list().map((c) => c.name));
        const unknown = names.filter((n) => !known.has(n));
        if (unknown.length > 0) throw new ApiError('bad_data', `unknown context${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
        d.contexts.setMonitored(names, all);
        d.persist(names, all);
        return ok(contextsData(d.contexts));
      },
    },
  ];
}
