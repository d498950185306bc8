/** The alerting subsystem's public surface. */
export { Alerting, type AlertingOptions } from './alerting';
export { realClock, fingerprint, type Clock } from './alerts';
export { ALERTING_DIR, ALERTMANAGER_FILE, DEFAULT_ALERTMANAGER_YML } from './defaults';
export { AlertmanagerConfigError, formatProblem, loadAlertmanagerConfig } from './config';
export type { AlertmanagerFile, ConfigProblem } from './types';
