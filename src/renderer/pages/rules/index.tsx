/** Rules (#/rules): the rule groups the engine evaluates, with each rule's health and last evaluation. */
import type { ReactElement } from 'react';
import { EngineState } from './EngineState';

export function RulesPage(): ReactElement {
  return <EngineState kind="rules" />;
}
