/** Service discovery (placeholder until the page is built). */
import type { ReactElement } from 'react';

export function DiscoveryPage(): ReactElement {
  return (
    <div className="page">
      <h2>Service discovery</h2>
    </div>
  );
}
