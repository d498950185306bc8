/**
 * What the UI (and `curl`) asks about the default jobs: per monitored context its interval, the
 * jobs switched off and skipped (with why), the generated configuration, and changing the
 * interval and switches (persisted by the host).
 */
import { ApiError, ok, text, type Route } from '../../common/api/route';
import { many, one } from '../../common/api/params';
import { DEFAULT_INTERVAL, DEFAULT_JOBS, JOB_DESCRIPTIONS } from './defaults';
import type { ClusterMonitor } from './monitor';
import { checkInterval, checkJobs, type ClusterSettings } from './settings';

/** ClusterRouteDeps are what the routes use. */
export interface ClusterRouteDeps {
  monitor: ClusterMonitor;
  settings(): ClusterSettings;
  /** persist stores the cluster settings (the app's settings file) and applies them. */
  persist(next: ClusterSettings): void;
}

function clusterData(d: ClusterRouteDeps): unknown {
  return {
    defaultInterval: d.settings().scrapeInterval ?? DEFAULT_INTERVAL,
    jobs: DEFAULT_JOBS.map((name) => ({ name, description: JOB_DESCRIPTIONS[name] })),
    contexts: d.monitor.contextDefaults().map((c) => ({
      context: c.context,
      scrapeInterval: c.interval,
      disabledJobs: [...c.disabled],
      skippedJobs: Object.fromEntries(c.skipped),
    })),
  };
}

/** clusterRoutes returns the routes of the default jobs. */
export function clusterRoutes(d: ClusterRouteDeps): Route[] {
  return [
    { methods: ['GET'], pattern: '/api/v1/vigil/cluster', readOnly: true, ipc: true, handler: () => ok(clusterData(d)) },
    {
      methods: ['GET'],
      pattern: '/api/v1/vigil/cluster/config',
      readOnly: true,
      ipc: true,
      handler: (r) => text(200, d.monitor.document(one(r.params, 'context')), 'application/yaml; charset=utf-8'),
    },
    {
      methods: ['POST'],
      pattern: '/api/v1/vigil/cluster/settings',
      readOnly: false,
      ipc: true,
      handler: (r) => {
        const context = one(r.params, 'context') ?? '';
        const interval = one(r.params, 'scrape_interval');
        const jobsGiven = r.params['disabled_jobs[]'] !== undefined || r.params['disabled_jobs'] !== undefined;
        const jobs = many(r.params, 'disabled_jobs[]').concat(many(r.params, 'disabled_jobs')).filter((j) => j !== '');
        const cur = d.settings();
        const next: ClusterSettings = { ...cur, contexts: { ...cur.contexts } };
        try {
          if (interval !== undefined && interval !== '') checkInterval(interval, 'scrape_interval');
          if (jobsGiven) checkJobs(jobs, 'disabled_jobs');
        } catch (e) {
          throw new ApiError('bad_data', (e as Error).message);
        }
        if (context === '') {
          if (jobsGiven) throw new ApiError('bad_data', 'disabled_jobs needs a context');
          if (interval !== undefined) {
            if (interval === '') delete next.scrapeInterval;
            else next.scrapeInterval = interval;
          }
        } else {
          const c = { ...next.contexts![context] };
          if (interval !== undefined) {
            if (interval === '') delete c.scrapeInterval;
            else c.scrapeInterval = interval;
          }
          if (jobsGiven) c.disabledJobs = jobs;
          next.contexts![context] = c;
        }
        d.persist(next);
        return ok(clusterData(d));
      },
    },
  ];
}
