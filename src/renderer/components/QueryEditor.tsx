/**
 * The PromQL editor: a textarea with completion of metric names, function names and aggregation
 * keywords for the word under the cursor. Enter runs the query; Shift+Enter adds a line.
 */
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { VigilClient } from '../../common/ipc/client';
import { completions, wordAt } from './completion';

/** QueryEditor edits a PromQL expression. */
export function QueryEditor(props: {
  client: VigilClient;
  value: string;
  onChange: (v: string) => void;
  onSubmit: () => void;
}): ReactElement {
  const { client, value, onChange, onSubmit } = props;
  const [metricNames, setMetricNames] = useState<string[]>([]);
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    let live = true;
    void client.labelValues('__name__').then((r) => {
      if (live && r.status === 'success') setMetricNames(r.data);
    });
    return () => {
      live = false;
    };
  }, [client]);

  const word = wordAt(value, cursor);
  const items = useMemo(() => (open && word ? completions(word.text, metricNames).slice(0, 12) : []), [open, word?.text, metricNames]);

  const accept = (item: string): void => {
    if (!word) return;
    const next = value.slice(0, word.start) + item + value.slice(word.end);
    onChange(next);
    setOpen(false);
    const pos = word.start + item.length;
    requestAnimationFrame(() => {
      ref.current?.setSelectionRange(pos, pos);
      setCursor(pos);
    });
  };

  return (
    <div className="editor">
      <textarea
        ref={ref}
        data-testid="expression"
        spellCheck={false}
        placeholder="Expression (press Enter to execute, Shift+Enter for a new line)"
        value={value}
        rows={Math.min(8, Math.max(1, value.split('\n').length))}
        onChange={(e) => {
          onChange(e.target.value);
          setCursor(e.target.selectionStart);
          setOpen(true);
          setSelected(0);
        }}
        onSelect={(e) => setCursor((e.target as HTMLTextAreaElement).selectionStart)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (items.length > 0) {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setSelected((s) => (s + 1) % items.length);
              return;
            }
            if (e.key === 'ArrowUp') {
              e.preventDefault();
              setSelected((s) => (s + items.length - 1) % items.length);
              return;
            }
            if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey && items[selected] !== word?.text)) {
              e.preventDefault();
              accept(items[selected]!);
              return;
            }
            if (e.key === 'Escape') {
              setOpen(false);
              return;
            }
          }
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            setOpen(false);
            onSubmit();
          }
        }}
      />
      {items.length > 0 && (
        <ul className="completions" role="listbox">
          {items.map((it, i) => (
            <li
              key={it}
              role="option"
              aria-selected={i === selected}
              className={i === selected ? 'selected' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(it);
              }}
            >
              {it}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
