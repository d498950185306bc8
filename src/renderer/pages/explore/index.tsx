/** Explore: the PromQL editor and its results (to be rebuilt on CodeMirror). */
import type { ReactElement } from 'react';
import { useApp } from '../../app/AppState';
import { QueryPage } from './QueryPage';

export function ExplorePage(): ReactElement {
  const { client } = useApp();
  return <QueryPage client={client} />;
}
