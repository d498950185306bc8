/**
 * The pages of the left navigation, in order. A page is a folder under pages/ with an index.tsx
 * exporting its component; adding one is a folder and a line here.
 */
import { lazy, type ComponentType } from 'react';
import { DashboardsPage } from '../pages/dashboards';
import { TargetsPage } from '../pages/targets';
import { DiscoveryPage } from '../pages/discovery';
import { AlertsPage } from '../pages/alerts';
import { SilencesPage } from '../pages/silences';
import { RulesPage } from '../pages/rules';
import { StatusPage } from '../pages/status';
import { SettingsPage } from '../pages/settings';

/** PageDef is one entry of the navigation. */
export interface PageDef {
  path: string;
  label: string;
  /** key is the keyboard shortcut after `g` (g d: dashboards, g e: explore, ...). */
  key: string;
  component: ComponentType;
}

// Explore carries the PromQL editor (CodeMirror and its grammar): loaded when first opened.
const ExplorePage = lazy(() => import('../pages/explore').then((m) => ({ default: m.ExplorePage })));

export const PAGES: PageDef[] = [
  { path: 'dashboards', label: 'Dashboards', key: 'd', component: DashboardsPage },
  { path: 'explore', label: 'Explore', key: 'e', component: ExplorePage },
  { path: 'targets', label: 'Targets', key: 't', component: TargetsPage },
  { path: 'discovery', label: 'Service discovery', key: 'v', component: DiscoveryPage },
  { path: 'alerts', label: 'Alerts', key: 'a', component: AlertsPage },
  { path: 'silences', label: 'Silences', key: 'l', component: SilencesPage },
  { path: 'rules', label: 'Rules', key: 'r', component: RulesPage },
  { path: 'status', label: 'Status', key: 's', component: StatusPage },
  { path: 'settings', label: 'Settings', key: ',', component: SettingsPage },
];

/** ALIASES keep old links working (#/query was the expression browser). */
export const ALIASES: Record<string, string> = { query: 'explore', graph: 'explore', 'service-discovery': 'discovery' };
