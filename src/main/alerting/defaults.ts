/**
 * The built-in alertmanager.yml, used when neither --alertmanager.config.file nor
 * `<dataDir>/alertmanager.yml` gives one (and when the given one does not load at start): every
 * alert to the receiver "desktop", grouped by alertname, cluster and namespace.
 */

/** DEFAULT_ALERTMANAGER_YML is the built-in configuration's text. */
export const DEFAULT_ALERTMANAGER_YML = [
  '# Vigil\'s built-in Alertmanager configuration (put an alertmanager.yml in the data folder to replace it).',
  'route:',
  '  receiver: desktop',
  '  group_by: [alertname, cluster, namespace]',
  '  group_wait: 30s',
  '  group_interval: 5m',
  '  repeat_interval: 4h',
  'receivers:',
  '  - name: desktop',
  '    desktop_configs: [{}]',
  '',
].join('\n');

/** ALERTMANAGER_FILE is the configuration's name in the data folder. */
export const ALERTMANAGER_FILE = 'alertmanager.yml';

/** ALERTING_DIR is the alerting data folder's name in the data folder. */
export const ALERTING_DIR = 'alerting';
