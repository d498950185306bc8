/** Alerts (#/alerts): no alert fires in this version (no rule engine); the rule files the configuration names. */
import type { ReactElement } from 'react';
import { EngineState } from '../rules/EngineState';

export function AlertsPage(): ReactElement {
  return <EngineState kind="alerts" />;
}
