/**
 * The Export menu of a query panel: CSV of the instant result (one row per series) or of the range
 * result (long: one row per point; wide: one row per timestamp), PNG of the chart, and copy as
 * PromQL, as a curl command, or as a link. Downloads are a Blob behind <a download> in serve mode
 * and in the desktop window alike.
 */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { ApiMatrixSeries, ApiQueryData } from '../../common/api/types';
import { csvOf, mergeResults, wideCsv } from './csv';
import { chartPng, copyText, dataUrlToBlob, download, fileStamp } from './download';

export interface ExportMenuProps {
  /** instant returns the instant results to export (running the queries when the view has none). */
  instant(): Promise<ApiQueryData[] | null>;
  /** range returns the range results and the series' names (legends) for the wide format. */
  range(): Promise<{ data: ApiQueryData[]; names: string[] } | null>;
  /** chart returns the chart's canvas, when one is drawn. */
  chart(): HTMLCanvasElement | null;
  promql: string;
  curl(): Promise<string>;
  link: string;
}

/** ExportMenu is the menu button. */
export function ExportMenu(p: ExportMenuProps): ReactElement {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const on = (e: MouseEvent): void => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', on);
    return () => window.removeEventListener('mousedown', on);
  }, [open]);

  const flash = (s: string): void => {
    setNote(s);
    setTimeout(() => setNote(''), 2500);
  };

  const act = (fn: () => Promise<string | void>) => async (): Promise<void> => {
    setOpen(false);
    try {
      const msg = await fn();
      if (msg) flash(msg);
    } catch (e) {
      flash(`export failed: ${(e as Error).message}`);
    }
  };

  const items: { id: string; label: string; run: () => Promise<string | void> }[] = [
    {
      id: 'export-csv-instant',
      label: 'CSV: instant (one row per series)',
      run: async () => {
        const d = mergeResults((await p.instant()) ?? []);
        if (!d) return 'nothing to export';
        download(`vigil-instant-${fileStamp()}.csv`, csvOf(d));
        return '';
      },
    },
    {
      id: 'export-csv-range',
      label: 'CSV: range, long (one row per point)',
      run: async () => {
        const d = mergeResults((await p.range())?.data ?? []);
        if (!d) return 'nothing to export';
        download(`vigil-range-${fileStamp()}.csv`, csvOf(d));
        return '';
      },
    },
    {
      id: 'export-csv-wide',
      label: 'CSV: range, wide (one column per series)',
      run: async () => {
        const r = await p.range();
        const d = mergeResults(r?.data ?? []);
        if (!r || !d || d.resultType !== 'matrix') return 'nothing to export';
        download(`vigil-range-wide-${fileStamp()}.csv`, wideCsv(d.result as ApiMatrixSeries[], r.names));
        return '';
      },
    },
    {
      id: 'export-png',
      label: 'PNG of the chart',
      run: async () => {
        const c = p.chart();
        if (!c) return 'no chart drawn (Graph view)';
        const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#ffffff';
        download(`vigil-chart-${fileStamp()}.png`, dataUrlToBlob(chartPng(c, bg)));
        return '';
      },
    },
    { id: 'copy-promql', label: 'Copy as PromQL', run: async () => ((await copyText(p.promql)) ? 'PromQL copied' : 'could not copy') },
    { id: 'copy-curl', label: 'Copy as curl', run: async () => ((await copyText(await p.curl())) ? 'curl command copied' : 'could not copy') },
    { id: 'copy-link', label: 'Copy link', run: async () => ((await copyText(p.link)) ? 'link copied' : 'could not copy') },
  ];

  return (
    <div className="export-menu" ref={box}>
      <button data-testid="export-menu" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Export ▾
      </button>
      {open && (
        <div className="popover export-popover" role="menu">
          {items.map((it) => (
            <button key={it.id} role="menuitem" data-testid={it.id} onClick={() => void act(it.run)()}>
              {it.label}
            </button>
          ))}
        </div>
      )}
      {note && (
        <span className="export-note" data-testid="export-note">
          {note}
        </span>
      )}
    </div>
  );
}
