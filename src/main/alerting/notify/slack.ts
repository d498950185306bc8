/**
 * slack_configs: Slack's incoming webhooks, as Alertmanager's notify/slack sends them: one
 * attachment with the templated title, link, text, fields and actions, the default templates of
 * default.tmpl, JSON in Alertmanager's field order and omissions; 2xx succeeds, 5xx and 429 retry.
 */
import * as fs from 'node:fs';
import type { ConfigProblem, GlobalConfig, Integration, IntegrationDeps, IntegrationType, NotifyContext, NotifyResult, Alert } from '../types';
import { notificationData } from '../template/index';
import { DEFAULT_HTTP, Fields, parseHttpConfig, redact, type HttpClientConfig } from './parsefields';
import { checkStatus, postJson } from './postjson';

/** SlackField is one attachment field. */
export interface SlackField {
  title: string;
  value: string;
  short: boolean | null;
}

/** SlackAction is one attachment action (a button). */
export interface SlackAction {
  type: string;
  text: string;
  url: string;
  style: string;
  name: string;
  value: string;
  confirm: { text: string; title: string; okText: string; dismissText: string } | null;
}

/** SlackConfig is one slack_configs entry with Alertmanager's defaults. */
export interface SlackConfig {
  sendResolved: boolean;
  httpConfig: HttpClientConfig;
  apiUrl: string;
  apiUrlFile: string;
  channel: string;
  username: string;
  color: string;
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  shortFields: boolean;
  footer: string;
  fallback: string;
  callbackId: string;
  iconEmoji: string;
  iconUrl: string;
  imageUrl: string;
  thumbUrl: string;
  linkNames: boolean;
  mrkdwnIn: string[];
  actions: SlackAction[];
}

/** MAX_TITLE_RUNES is Slack's limit for an attachment title. */
const MAX_TITLE_RUNES = 1024;

/** truncateRunes is notify.TruncateInRunes: at most n runes, the last one an ellipsis when cut. */
export function truncateRunes(s: string, n: number): { text: string; truncated: boolean } {
  const runes = [...s];
  if (runes.length <= n) return { text: s, truncated: false };
  return { text: runes.slice(0, n - 1).join('') + '…', truncated: true };
}

function parseSlack(raw: unknown, path: string, global: GlobalConfig): { config: SlackConfig | null; problems: ConfigProblem[] } {
  const f = new Fields(raw, path);
  const httpConfig =
    f.sub('http_config', parseHttpConfig) ??
    (() => {
      const g = global.raw.http_config;
      if (g === undefined || g === null) return { ...DEFAULT_HTTP };
      return parseHttpConfig(new Fields(g, 'global.http_config'));
    })();
  let apiUrl = f.url('api_url');
  let apiUrlFile = f.string('api_url_file');
  if (apiUrl !== '' && apiUrlFile !== '') f.problem('', 'at most one of api_url & api_url_file must be configured');
  if (apiUrl === '' && apiUrlFile === '') {
    const gFile = typeof global.raw.slack_api_url_file === 'string' ? global.raw.slack_api_url_file : '';
    if (!global.slackApiUrl && gFile === '') f.problem('', 'no global Slack API URL set either inline or in a file');
    apiUrl = global.slackApiUrl ?? '';
    apiUrlFile = apiUrl === '' ? gFile : '';
  }
  const c: SlackConfig = {
    sendResolved: f.bool('send_resolved', false),
    httpConfig,
    apiUrl,
    apiUrlFile,
    channel: f.string('channel'),
    username: f.string('username', '{{ template "slack.default.username" . }}'),
    color: f.string('color', '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
    title: f.string('title', '{{ template "slack.default.title" . }}'),
    titleLink: f.string('title_link', '{{ template "slack.default.titlelink" . }}'),
    pretext: f.string('pretext', '{{ template "slack.default.pretext" . }}'),
    text: f.string('text', '{{ template "slack.default.text" . }}'),
    fields: f.list('fields', (ff) => {
      const fl = { title: ff.string('title'), value: ff.string('value'), short: ff.optBool('short') };
      if (fl.title === '') ff.problem('', 'missing title in Slack field configuration');
      else if (fl.value === '') ff.problem('', 'missing value in Slack field configuration');
      return fl;
    }),
    shortFields: f.bool('short_fields', false),
    footer: f.string('footer', '{{ template "slack.default.footer" . }}'),
    fallback: f.string('fallback', '{{ template "slack.default.fallback" . }}'),
    callbackId: f.string('callback_id', '{{ template "slack.default.callbackid" . }}'),
    iconEmoji: f.string('icon_emoji', '{{ template "slack.default.iconemoji" . }}'),
    iconUrl: f.string('icon_url', '{{ template "slack.default.iconurl" . }}'),
    imageUrl: f.string('image_url'),
    thumbUrl: f.string('thumb_url'),
    linkNames: f.bool('link_names', false),
    mrkdwnIn: f.stringList('mrkdwn_in'),
    actions: f.list('actions', (af) => {
      const a: SlackAction = {
        type: af.string('type'),
        text: af.string('text'),
        url: af.string('url'),
        style: af.string('style'),
        name: af.string('name'),
        value: af.string('value'),
        confirm: af.sub('confirm', (cf) => {
          const x = { text: cf.string('text'), title: cf.string('title'), okText: cf.string('ok_text'), dismissText: cf.string('dismiss_text') };
          if (x.text === '') cf.problem('', 'missing text in Slack confirmation configuration');
          return x;
        }),
      };
      if (a.type === '') af.problem('', 'missing type in Slack action configuration');
      else if (a.text === '') af.problem('', 'missing text in Slack action configuration');
      else if (a.url !== '') {
        a.name = '';
        a.value = '';
        a.confirm = null;
      } else if (a.name === '') af.problem('', 'missing name or url in Slack action configuration');
      return a;
    }),
  };
  f.done();
  return { config: f.problems.length === 0 ? c : null, problems: f.problems };
}

/** omit drops empty strings, false and empty lists, as encoding/json's omitempty. */
function omit<T extends Record<string, unknown>>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (keys.includes(k as keyof T) && (v === '' || v === false || v === null || v === undefined || (Array.isArray(v) && v.length === 0))) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

/** slackMessage renders the webhook body for one notification; throws the first template error. */
export function slackMessage(c: SlackConfig, deps: Pick<IntegrationDeps, 'templates'>, ctx: Pick<NotifyContext, 'receiver' | 'groupKey' | 'groupLabels' | 'now' | 'externalURL'>, alerts: readonly Alert[]): { body: Record<string, unknown>; titleTruncated: boolean } {
  const data = notificationData(ctx, alerts);
  let err: Error | null = null;
  const tmpl = (s: string): string => {
    if (err) return '';
    try {
      return deps.templates.execute(s, data);
    } catch (e) {
      err = e as Error;
      return '';
    }
  };
  const title = truncateRunes(tmpl(c.title), MAX_TITLE_RUNES);
  const attachment = omit(
    {
      title: title.text,
      title_link: tmpl(c.titleLink),
      pretext: tmpl(c.pretext),
      text: tmpl(c.text),
      fallback: tmpl(c.fallback),
      callback_id: tmpl(c.callbackId),
      fields: c.fields.map((fl) => ({ title: tmpl(fl.title), value: tmpl(fl.value), short: fl.short ?? c.shortFields })).map((x) => omit(x, ['title', 'value'])),
      actions: c.actions.map((a) =>
        omit(
          {
            type: tmpl(a.type),
            text: tmpl(a.text),
            url: tmpl(a.url),
            style: tmpl(a.style),
            name: tmpl(a.name),
            value: tmpl(a.value),
            confirm: a.confirm ? omit({ text: tmpl(a.confirm.text), title: tmpl(a.confirm.title), ok_text: tmpl(a.confirm.okText), dismiss_text: tmpl(a.confirm.dismissText) }, ['text', 'title', 'ok_text', 'dismiss_text']) : null,
          },
          ['type', 'text', 'url', 'style', 'name', 'value', 'confirm'],
        ),
      ),
      image_url: tmpl(c.imageUrl),
      thumb_url: tmpl(c.thumbUrl),
      footer: tmpl(c.footer),
      color: tmpl(c.color),
      mrkdwn_in: c.mrkdwnIn.length > 0 ? c.mrkdwnIn : ['fallback', 'pretext', 'text'],
    },
    ['title', 'title_link', 'pretext', 'fields', 'actions', 'image_url', 'thumb_url', 'color', 'mrkdwn_in'],
  );
  const body = omit(
    {
      channel: tmpl(c.channel),
      username: tmpl(c.username),
      icon_emoji: tmpl(c.iconEmoji),
      icon_url: tmpl(c.iconUrl),
      link_names: c.linkNames,
      attachments: [attachment],
    },
    ['channel', 'username', 'icon_emoji', 'icon_url', 'link_names'],
  );
  if (err) throw err;
  return { body, titleTruncated: title.truncated };
}

class SlackIntegration implements Integration {
  readonly name = 'slack';
  readonly sendResolved: boolean;

  constructor(
    private readonly c: SlackConfig,
    readonly index: number,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = c.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    let msg: ReturnType<typeof slackMessage>;
    try {
      msg = slackMessage(this.c, this.deps, ctx, alerts);
    } catch (e) {
      return { ok: false, retry: false, error: (e as Error).message };
    }
    if (msg.titleTruncated) this.deps.logger('warn', 'Truncated title', { key: ctx.groupKey, max_runes: MAX_TITLE_RUNES });
    let url = this.c.apiUrl;
    if (url === '') {
      try {
        url = fs.readFileSync(this.c.apiUrlFile, 'utf8').trim();
      } catch (e) {
        return { ok: false, retry: false, error: `api_url_file: ${(e as Error).message}` };
      }
    }
    const channel = String(msg.body.channel ?? '');
    try {
      const a = await postJson(url, JSON.stringify(msg.body) + '\n', this.c.httpConfig, ctx.signal);
      return checkStatus(a, [429], `channel ${JSON.stringify(channel)}: `);
    } catch (e) {
      return { ok: false, retry: true, error: `Post "${redact(url)}": ${(e as Error).message}` };
    }
  }
}

/** SLACK is the slack_configs integration type. */
export const SLACK: IntegrationType<SlackConfig> = {
  key: 'slack_configs',
  name: 'slack',
  parse: (raw, path, global) => parseSlack(raw, path, global),
  build: (c, index, deps) => new SlackIntegration(c, index, deps),
};
