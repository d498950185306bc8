/**
 * Browser notifications in serve mode: the page subscribes to the core's alerting events
 * (`GET /api/v1/alerting/events`, text/event-stream), asks for the Notification permission (at
 * once when the browser allows it, else on the first click), and shows each event with the
 * Notification API; a click focuses the tab and opens the event's route. The desktop window has
 * native notifications from the shell instead, so this runs only over HTTP.
 */
import { useEffect } from 'react';
import { navigate } from './route';

/** AlertingEvent is one event of the stream (see contract-extra.md). */
export interface AlertingEvent {
  title: string;
  body: string;
  route: string;
  tag: string;
  resolved: boolean;
}

/** EVENTS_PATH is the stream's path. */
export const EVENTS_PATH = '/api/v1/alerting/events';

/** parseAlertingEvent checks one event's data (null when it is not an alerting event). */
export function parseAlertingEvent(data: string): AlertingEvent | null {
  let x: unknown;
  try {
    x = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (typeof o.title !== 'string' || typeof o.body !== 'string') return null;
  return {
    title: o.title,
    body: o.body,
    route: typeof o.route === 'string' ? o.route : '',
    tag: typeof o.tag === 'string' ? o.tag : '',
    resolved: o.resolved === true,
  };
}

/** showAlertingEvent shows one event with the Notification API (when permitted). */
export function showAlertingEvent(e: AlertingEvent): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const n = new Notification(e.title, { body: e.body, ...(e.tag ? { tag: e.tag } : {}) });
  n.onclick = () => {
    window.focus();
    if (e.route.startsWith('#/')) navigate(e.route);
    n.close();
  };
}

/** startBrowserNotifications subscribes to the stream; returns the unsubscriber. */
export function startBrowserNotifications(): () => void {
  if (typeof EventSource === 'undefined' || typeof Notification === 'undefined') return () => {};
  const ask = (): void => {
    if (Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
  };
  ask();
  const onClick = (): void => {
    ask();
    if (Notification.permission !== 'default') window.removeEventListener('click', onClick);
  };
  window.addEventListener('click', onClick);
  const es = new EventSource(EVENTS_PATH);
  es.onmessage = (m: MessageEvent<string>) => {
    const e = parseAlertingEvent(m.data);
    if (e) showAlertingEvent(e);
  };
  return () => {
    es.close();
    window.removeEventListener('click', onClick);
  };
}

/** useBrowserNotifications runs the subscription while mounted, in serve mode only. */
export function useBrowserNotifications(transport: 'ipc' | 'http'): void {
  useEffect(() => (transport === 'http' ? startBrowserNotifications() : undefined), [transport]);
}
