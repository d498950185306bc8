/** Targets: every scrape target with its health. */
import type { ReactElement } from 'react';
import { useApp } from '../../app/AppState';
import { TargetsPage as Old } from './TargetsPage';

export function TargetsPage(): ReactElement {
  const { client } = useApp();
  return <Old client={client} />;
}
