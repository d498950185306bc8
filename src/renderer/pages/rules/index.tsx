/**
 * Rules (#/rules): the rule groups the engine evaluates, with each rule's health and last
 * evaluation (`rule` narrows to one rule, as the alerts page links); the rule files, opened,
 * edited, validated and saved (#/rules/files?file=...); and the starter pack's switches
 * (#/rules/starter).
 */
import type { ReactElement } from 'react';
import { pageLink, useApp } from '../../app/AppState';
import { EngineState } from './EngineState';
import { RuleEditor } from './RuleEditor';
import { StarterPack } from './StarterPack';
import '../common/alerting.css';

export function RulesPage(): ReactElement {
  const { route } = useApp();
  const tab = route.path[1] === 'files' ? 'files' : route.path[1] === 'starter' ? 'starter' : 'rules';
  const tabs = (
    <nav className="tabs" aria-label="rules views">
      <a className={`tab ${tab === 'rules' ? 'active' : ''}`} href={pageLink(['rules'])} data-testid="tab-rules">
        Loaded rules
      </a>
      <a className={`tab ${tab === 'files' ? 'active' : ''}`} href={pageLink(['rules', 'files'])} data-testid="tab-rule-files">
        Rule files
      </a>
      <a className={`tab ${tab === 'starter' ? 'active' : ''}`} href={pageLink(['rules', 'starter'])} data-testid="tab-starter">
        Starter pack
      </a>
    </nav>
  );
  if (tab === 'rules') return <EngineState tabs={tabs} />;
  return (
    <div className="page ops-page alerting rules-page" data-testid="rules-page">
      <h2>Rules</h2>
      {tabs}
      {tab === 'files' ? <RuleEditor /> : <StarterPack />}
    </div>
  );
}
