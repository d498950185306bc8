/**
 * What the Rules and Alerts pages say while the rule engine does not exist: the rule files the
 * loaded configuration names, that they are not evaluated in this version, and whether the core
 * answered /api/v1/rules or /api/v1/alerts. When a later version serves them, their answer is
 * listed instead (a plain table until the rule pages are built on it).
 */
import type { ReactElement } from 'react';
import { pageLink, useApp } from '../../app/AppState';
import { usePoll } from '../common/usePoll';
import { ruleFilesFromYaml } from './model';
import '../common/ops.css';

export function EngineState({ kind }: { kind: 'rules' | 'alerts' }): ReactElement {
  const { client } = useApp();
  const config = usePoll(() => client.config(), 0, [client]);
  const served = usePoll<unknown>(() => (kind === 'rules' ? client.rules() : client.alerts()), 30_000, [client, kind]);
  const files = config.data ? ruleFilesFromYaml(config.data.yaml) : null;
  const title = kind === 'rules' ? 'Rules' : 'Alerts';
  const endpoint = kind === 'rules' ? '/api/v1/rules' : '/api/v1/alerts';
  const items = served.data ? ((served.data as { groups?: unknown[]; alerts?: unknown[] })[kind === 'rules' ? 'groups' : 'alerts'] ?? []) : null;
  return (
    <div className={`page ops-page ${kind}-page`} data-testid={`${kind}-page`}>
      <h2>{title}</h2>
      {items !== null && items.length > 0 ? (
        <div className="card" data-testid={`${kind}-served`}>
          <h3>
            {items.length} {kind === 'rules' ? 'rule groups' : 'alerts'} from {endpoint}
          </h3>
          <pre className="yaml">{JSON.stringify(items, null, 2)}</pre>
        </div>
      ) : (
        <div className="empty-state" data-testid={`${kind}-empty`}>
          <h3>{kind === 'rules' ? 'Rules are not evaluated in this version: no recording or alerting rule runs.' : 'No alerts: alerting rules are not evaluated in this version.'}</h3>
          <p>
            {items !== null
              ? `The core answers ${endpoint} with no ${kind === 'rules' ? 'rule groups' : 'alerts'}.`
              : `Vigil's rule engine is not built yet, so the core does not serve ${endpoint}${served.error ? ` (it answered: ${served.error})` : ''}. Recording rules write no series and alerts never fire.`}
          </p>
          {files === null ? (
            <p className="muted">{config.error ? `The configuration could not be read: ${config.error}` : 'Reading the configuration…'}</p>
          ) : files.length === 0 ? (
            <p data-testid="rule-files-none">The configuration names no rule files (rule_files).</p>
          ) : (
            <div data-testid="rule-files">
              <p>The configuration names {files.length === 1 ? 'this rule file; it is' : `these ${files.length} rule files; they are`} loaded with the configuration but not evaluated:</p>
              <ul className="files">
                {files.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            </div>
          )}
          <p>
            <a href={pageLink(['status'])}>See the loaded configuration on the Status page</a>.
          </p>
        </div>
      )}
    </div>
  );
}
