/**
 * The synthesized kube-state target of each context (vigil_sd_configs role kube-state): its
 * transport asks the context's kube-state source for the exposition at every scrape. The source
 * (kubestate/) watches the objects through the shared informers and is started on the first
 * scrape, shared by every target of the context, and stopped when the last one goes, or while the
 * cluster's own kube-state-metrics is scraped in that context (then the synthesized series go
 * stale, and come back if it stops answering). Where the user may not list pods cluster-wide,
 * the namespaced kinds are watched in the namespaces they may be listed in.
 */
import { labelsGet } from '../../common/model/labels';
import { canI } from '../kube/access';
import type { KubeClient } from '../kube/client';
import type { KubeContexts } from '../kube/contexts';
import type { SharedInformers } from '../kube/informers';
import type { Logger } from '../util/log';
import { CONTEXT_LABEL, ROLE_LABEL } from '../discovery/vigil/index';
import { SyntheticTransport, type SyntheticSource } from '../scrape/synthetic';
import type { Target } from '../scrape/target';
import { KubeState } from '../kubestate/index';

/** KubeStateLike is what a kube-state source offers (kubestate/'s KubeState). */
export interface KubeStateLike {
  start(): void;
  stop(): void;
  /** synced says whether every collection has been listed (or refused). */
  readonly synced: boolean;
  /** render returns the exposition of the current objects. */
  render(): string | Uint8Array;
}

/** KubeStateFactory creates the source of a context. */
export type KubeStateFactory = (o: { context: string; client: KubeClient; informers: SharedInformers; namespaces: string[]; logger: Logger }) => KubeStateLike;

/** NOTE_KEY is the key of the context note that names the collections the kube-state series leave out. */
export const KUBE_STATE_NOTE = 'kube-state';

/**
 * kubeStateFactory makes the real source (kubestate/'s KubeState). A collection the API server
 * refuses to list counts as settled (its families are left out rather than the whole target
 * waiting), and the refusals are noted on the context with the permissions that are missing.
 */
export function kubeStateFactory(kube: Pick<KubeContexts, 'setNote'>): KubeStateFactory {
  return ({ context, client, informers, namespaces, logger }) => {
    const ks = new KubeState({ client, informers, namespaces, logger });
    let noted = '';
    const note = (): void => {
      const missing = [...new Set(ks.refusals().map((r) => r.permission))];
      const msg = missing.length === 0 ? '' : `the kube-state series leave out what may not be listed: ${missing.join('; ')} (kubectl auth can-i ${missing[0]})`;
      if (msg !== noted) kube.setNote(context, KUBE_STATE_NOTE, msg);
      noted = msg;
    };
    return {
      start: () => ks.start(),
      stop: () => {
        ks.stop();
        kube.setNote(context, KUBE_STATE_NOTE, '');
        noted = '';
      },
      get synced() {
        const st = ks.states();
        return st.length > 0 && st.every((c) => c.synced || c.refused);
      },
      render: () => {
        note();
        return ks.render();
      },
    };
  };
}

/** KubeStateTargetsOptions configure the resolver. */
export interface KubeStateTargetsOptions {
  kube: KubeContexts;
  factory: KubeStateFactory;
  logger: Logger;
  /** realScraped says why the synthesized series are off in a context (a real kube-state-metrics is up), or null. */
  realScraped(context: string, clusterLabel: string): string | null;
}

interface Entry {
  refs: number;
  client: KubeClient;
  state: KubeStateLike | null;
  starting: Promise<KubeStateLike> | null;
  reason: string;
}

const SYNC_POLL_MS = 50;

/** KubeStateTargets gives synthesized kube-state targets their transports. */
export class KubeStateTargets {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: KubeStateTargetsOptions) {}

  /** resolve returns the transport of a kube-state target, or null for any other target. */
  resolve(t: Target): SyntheticTransport | null {
    if (labelsGet(t.discoveredLabels, ROLE_LABEL) !== 'kube-state') return null;
    const context = labelsGet(t.discoveredLabels, CONTEXT_LABEL);
    let client: KubeClient;
    try {
      client = this.o.kube.client(context);
    } catch {
      return null;
    }
    let e = this.entries.get(context);
    if (e && e.client !== client) {
      // The context's cluster or user changed: start over with the new client.
      this.halt(e);
      this.entries.delete(context);
      e = undefined;
    }
    if (!e) {
      e = { refs: 0, client, state: null, starting: null, reason: `synthesized from the objects watched through context ${context}` };
      this.entries.set(context, e);
    }
    e.refs++;
    const entry = e;
    let closed = false;
    const source: SyntheticSource = {
      exposition: (signal) => this.exposition(context, entry, signal),
      describe: () => ({ path: 'synthesized', reason: entry.reason }),
      close: () => {
        if (closed) return;
        closed = true;
        if (--entry.refs === 0) {
          this.halt(entry);
          if (this.entries.get(context) === entry) this.entries.delete(context);
        }
      },
    };
    return new SyntheticTransport(source);
  }

  private halt(e: Entry): void {
    e.state?.stop();
    e.state = null;
    const starting = e.starting;
    e.starting = null;
    void starting?.then((s) => s.stop()).catch(() => {});
  }

  private async exposition(context: string, e: Entry, signal: AbortSignal): Promise<string | Uint8Array> {
    const real = this.o.realScraped(context, this.o.kube.clusterLabel(context));
    if (real !== null) {
      if (e.state || e.starting) this.o.logger('info', `context ${context}: ${real}; the synthesized kube-state series stop`, { component: 'cluster' });
      this.halt(e);
      e.reason = `off: ${real}`;
      return '';
    }
    let state = e.state;
    if (state === null) {
      e.starting ??= this.startState(context, e);
      const starting = e.starting;
      state = await starting;
      if (e.starting !== starting) throw new Error('the kube-state source was stopped');
      e.starting = null;
      e.state = state;
    }
    while (!state.synced) {
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      await new Promise((r) => setTimeout(r, SYNC_POLL_MS));
    }
    return state.render();
  }

  private async startState(context: string, e: Entry): Promise<KubeStateLike> {
    let namespaces = [''];
    let how = '';
    try {
      if (!(await canI(e.client, { verb: 'list', resource: 'pods' }))) {
        const scope = await this.o.kube.scope(context, { resource: 'pods' });
        namespaces = scope.namespaces.length > 0 ? scope.namespaces : [''];
        how = scope.namespaces.length > 0 ? `; pods may not be listed cluster-wide, so only namespaces ${scope.namespaces.join(', ')} (${scope.how})` : '';
      }
    } catch (err) {
      this.o.logger('debug', `context ${context}: cannot check where pods may be listed: ${(err as Error).message}`, { component: 'cluster' });
    }
    e.reason = `synthesized from the objects watched through context ${context}${how}`;
    const state = this.o.factory({ context, client: e.client, informers: this.o.kube.informers, namespaces, logger: this.o.logger });
    state.start();
    return state;
  }

  /** stop stops every source. */
  stop(): void {
    for (const e of this.entries.values()) this.halt(e);
    this.entries.clear();
  }
}
