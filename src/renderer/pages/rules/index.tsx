/** Rules (#/rules): the rule files the configuration names, and that this version does not evaluate them. */
import type { ReactElement } from 'react';
import { EngineState } from './EngineState';

export function RulesPage(): ReactElement {
  return <EngineState kind="rules" />;
}
