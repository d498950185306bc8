/**
 * Why a panel has no data, said for the selected cluster: a panel names the jobs its series come
 * from (PanelDef.sources), and the contexts' state (/api/v1/vigil/contexts: connection state,
 * refused permissions, notes on skipped jobs) often explains the gap precisely: "no cAdvisor data
 * in prod: the user lacks get nodes/proxy". Pure, so it is unit tested.
 */
import type { ApiContextStatus } from '../../common/api/types';
import type { Source } from './types';

const KUBELET: Source[] = ['cadvisor', 'kubelet', 'kubelet-resource'];
const SOURCE_TEXT: Record<Source, string> = {
  cadvisor: 'cAdvisor',
  kubelet: 'kubelet',
  'kubelet-resource': 'kubelet resource metrics',
  'node-exporter': 'node-exporter',
  'kube-state-metrics': 'kube-state',
  apiserver: 'API server',
};

/** explainMissing returns sentences for the contexts of the selection (cluster '' = all monitored) that explain missing series of these sources. */
export function explainMissing(sources: readonly Source[], contexts: readonly ApiContextStatus[], cluster: string): string[] {
  const out: string[] = [];
  const chosen = contexts.filter((c) => c.monitored && (cluster === '' || c.clusterLabel === cluster));
  for (const c of chosen) {
    const name = c.clusterLabel || c.name;
    if (c.state !== 'connected' && c.state !== 'forbidden') {
      out.push(`${name} is ${c.state === 'unknown' ? 'still connecting' : c.state}${c.error ? `: ${c.error}` : ''}.`);
      continue;
    }
    for (const s of sources) {
      if (KUBELET.includes(s) && c.denied.some((d) => d.includes('nodes/proxy'))) {
        out.push(`No ${SOURCE_TEXT[s]} data in ${name}: the user ${c.user || ''} lacks get nodes/proxy (the kubelet is read through the API server's node proxy).`.replace('user  lacks', 'user lacks'));
      }
      if (s === 'kube-state-metrics') {
        const lists = c.denied.filter((d) => d.startsWith('list ') || d.startsWith('watch '));
        if (lists.length > 0) out.push(`Some kube-state series are missing in ${name}: the user lacks ${lists.join(', ')}.`);
      }
      if (s === 'node-exporter' && c.denied.some((d) => d.includes('pods/proxy'))) out.push(`No node-exporter data in ${name}: the user lacks get pods/proxy.`);
      for (const n of c.notes ?? []) if (n.includes(s) && !out.includes(`${name}: ${n}`)) out.push(`${name}: ${n}`);
    }
  }
  return [...new Set(out)];
}
