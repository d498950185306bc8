/** Alerts (#/alerts): the firing and pending alerts. */
import type { ReactElement } from 'react';
import { EngineState } from '../rules/EngineState';

export function AlertsPage(): ReactElement {
  return <EngineState kind="alerts" />;
}
