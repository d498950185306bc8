/**
 * A tiny integration type for the loader's tests (the real ones live in notify/): webhook_configs
 * with a required http(s) `url` and `send_resolved`, problems named by path.
 */
import type { ConfigProblem, Integration, IntegrationType } from '../../src/main/alerting/types';

export interface TestWebhookConfig {
  url: string;
  sendResolved: boolean;
}

export const testWebhookType: IntegrationType<TestWebhookConfig> = {
  key: 'webhook_configs',
  name: 'webhook',
  parse(raw, path) {
    const problems: ConfigProblem[] = [];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { config: null, problems: [{ path, message: 'expected a mapping' }] };
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (!['url', 'send_resolved', 'http_config', 'max_alerts', 'url_file'].includes(k)) problems.push({ path: `${path}.${k}`, message: `field ${k} not found in type config.plain` });
    }
    if (typeof r.url !== 'string' || !/^https?:\/\/[^/]+/.test(r.url)) problems.push({ path: `${path}.url`, message: 'one of url or url_file must be configured' });
    return { config: problems.length ? null : { url: r.url as string, sendResolved: r.send_resolved !== false }, problems };
  },
  build(config, index): Integration {
    return { name: 'webhook', index, sendResolved: config.sendResolved, notify: async () => ({ ok: true, retry: false }) };
  },
};

export const TEST_TYPES = [testWebhookType] as IntegrationType<unknown>[];
