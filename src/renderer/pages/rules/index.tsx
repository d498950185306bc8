/** Rules (placeholder until the page is built). */
import type { ReactElement } from 'react';

export function RulesPage(): ReactElement {
  return (
    <div className="page">
      <h2>Rules</h2>
    </div>
  );
}
