/**
 * usePoll loads an API answer, again on every refresh tick and every `everyMs` (0: only on tick),
 * and keeps the last good answer while a reload is under way (so a page never blanks on refresh).
 */
import { useEffect, useState } from 'react';
import type { ApiEnvelope } from '../../../common/api/types';
import { useApp } from '../../app/AppState';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** at is when the last answer came (ms). */
  at: number;
  reload(): void;
}

export function usePoll<T>(load: () => Promise<ApiEnvelope<T>>, everyMs: number, deps: readonly unknown[] = []): Polled<T> {
  const { tick } = useApp();
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean; at: number }>({ data: null, error: null, loading: true, at: 0 });
  const [bump, setBump] = useState(0);
  useEffect(() => {
    let live = true;
    const run = async (): Promise<void> => {
      const r = await load();
      if (!live) return;
      if (r.status === 'success') setState({ data: r.data, error: null, loading: false, at: Date.now() });
      else setState((s) => ({ ...s, error: r.error, loading: false, at: Date.now() }));
    };
    void run();
    const id = everyMs > 0 ? setInterval(() => void run(), everyMs) : undefined;
    return () => {
      live = false;
      if (id !== undefined) clearInterval(id);
    };
    // load is recreated per render; deps name what it depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, bump, everyMs, ...deps]);
  return { ...state, reload: () => setBump((b) => b + 1) };
}
