/** Imported Grafana dashboards, kept in localStorage (their JSON as pasted, converted when opened). */

export interface StoredDashboard {
  id: string;
  title: string;
  json: string;
  importedAt: number;
}

const KEY = 'vigil.dashboards.imported';

/** listImported returns the imported dashboards, newest first. */
export function listImported(storage: Pick<Storage, 'getItem'> = localStorage): StoredDashboard[] {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as StoredDashboard[]).filter((d) => d && typeof d.id === 'string' && typeof d.json === 'string') : [];
  } catch {
    return [];
  }
}

/** saveImported adds or replaces a dashboard (by id). */
export function saveImported(d: StoredDashboard, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
  const all = listImported(storage).filter((x) => x.id !== d.id);
  storage.setItem(KEY, JSON.stringify([d, ...all]));
}

/** removeImported deletes a dashboard. */
export function removeImported(id: string, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(listImported(storage).filter((x) => x.id !== id)));
}
