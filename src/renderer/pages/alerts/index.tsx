/** Alerts (placeholder until the page is built). */
import type { ReactElement } from 'react';

export function AlertsPage(): ReactElement {
  return (
    <div className="page">
      <h2>Alerts</h2>
    </div>
  );
}
