/** Settings (placeholder until the page is built). */
import type { ReactElement } from 'react';

export function SettingsPage(): ReactElement {
  return (
    <div className="page">
      <h2>Settings</h2>
    </div>
  );
}
