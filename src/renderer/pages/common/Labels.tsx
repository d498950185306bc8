/** Labels renders a label set as chips (k="v"), sorted by name, `__` labels dimmed. */
import type { ReactElement } from 'react';

export function Labels({ labels, testid }: { labels: Record<string, string>; testid?: string }): ReactElement {
  const names = Object.keys(labels).sort();
  return (
    <span className="labels" data-testid={testid}>
      {names.map((k) => (
        <span key={k} className={k.startsWith('__') ? 'label internal' : 'label'}>
          {k}="{labels[k]}"
        </span>
      ))}
    </span>
  );
}
