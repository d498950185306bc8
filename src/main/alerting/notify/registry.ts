/**
 * The integration types a receiver may use, one line each (adding a kind of receiver is a file in
 * notify/ and one line here). Keys Alertmanager knows but Vigil does not send to are listed in
 * UNSUPPORTED so a configuration using them loads with a warning naming the receiver.
 */
import type { IntegrationType } from '../types';
import { webhookType } from './webhook';
import { DESKTOP } from './desktop';
import { EMAIL } from './email';
import { SLACK } from './slack';

export const INTEGRATION_TYPES: readonly IntegrationType<any>[] = [
  webhookType,
  SLACK,
  EMAIL,
  DESKTOP,
];

/** UNSUPPORTED are Alertmanager receiver keys Vigil accepts but does not send to (a warning says so). */
export const UNSUPPORTED: readonly string[] = [
  'discord_configs', 'msteams_configs', 'msteamsv2_configs', 'opsgenie_configs', 'pagerduty_configs', 'pushover_configs',
  'sns_configs', 'telegram_configs', 'victorops_configs', 'webex_configs', 'wechat_configs', 'jira_configs', 'rocketchat_configs',
  'incidentio_configs', 'mattermost_configs',
];
