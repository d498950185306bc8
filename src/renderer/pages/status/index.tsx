/** Status (placeholder until the page is built). */
import type { ReactElement } from 'react';

export function StatusPage(): ReactElement {
  return (
    <div className="page">
      <h2>Status</h2>
    </div>
  );
}
