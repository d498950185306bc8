/**
 * /api/v1/rules and /api/v1/alerts in Prometheus's shapes (web/api/v1/api.go), with the rules
 * filters type, rule_name[], rule_group[] (also group_name[]), file[], match[] (label matchers on
 * the rules' labels) and exclude_alerts, and group_limit / group_next_token pagination.
 * Registered by the composition root (src/main/host).
 */
import { ApiError, ok, type Route } from '../../common/api/route';
import { createHash } from 'node:crypto';
import { errorText, many, one } from '../../common/api/params';
import type { ApiParams } from '../../common/api/types';
import type { Matcher } from '../../common/model/matcher';
import { parseMetricSelector } from '../../common/promql';
import { labelsToRecord } from '../../common/model/labels';
import { formatFloat } from '../template/gofmt';
import { alertStateString, type Alert, type AlertingRuleRT, type RuleRT } from './rule';
import type { RuleManager } from './manager';

/** ApiAlert is an alert as the API shows it. */
export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function iso(ms: number): string {
  return ms === 0 ? ZERO_TIME : new Date(ms).toISOString();
}

/** apiAlert renders an alert; its value as strconv.FormatFloat(v, 'e', -1, 64). */
export function apiAlert(a: Alert): ApiAlert {
  const out: ApiAlert = {
    labels: labelsToRecord(a.labels),
    annotations: labelsToRecord(a.annotations),
    state: alertStateString(a.state),
    activeAt: iso(a.activeAt),
    value: formatFloat(a.value, 'e', -1),
  };
  if (a.keepFiringSince !== 0) out.keepFiringSince = iso(a.keepFiringSince);
  return out;
}

function ruleJson(r: RuleRT, excludeAlerts: boolean): Record<string, unknown> {
  const common = {
    name: r.name,
    query: r.query,
    labels: r.labels,
  };
  const tail = {
    health: r.health,
    ...(r.lastError !== null ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationSeconds,
    lastEvaluation: iso(r.lastEvaluation),
  };
  if (r.kind === 'recording') return { ...common, ...tail, type: 'recording' };
  const a = r as AlertingRuleRT;
  return {
    state: alertStateString(a.state()),
    ...common,
    duration: a.def.forMs / 1000,
    keepFiringFor: a.def.keepFiringForMs / 1000,
    annotations: a.def.annotations,
    alerts: excludeAlerts ? null : a.activeAlerts().map(apiAlert),
    ...tail,
    type: 'alerting',
  };
}

/** groupNextToken is Prometheus's getRuleGroupNextToken: sha256 of "<file>;<group>" in hex. */
export function groupNextToken(file: string, group: string): string {
  return createHash('sha256').update(`${file};${group}`).digest('hex');
}

/** ruleMatchers parses match[] as Prometheus's parseMatchersParam (each set needs a matcher that does not match ""). */
function ruleMatchers(params: ApiParams): Matcher[][] {
  const sets = many(params, 'match[]').map((s) => {
    try {
      return parseMetricSelector(s);
    } catch (e) {
      throw new ApiError('bad_data', errorText(e));
    }
  });
  for (const ms of sets) if (!ms.some((m) => !m.matches(''))) throw new ApiError('bad_data', 'match[] must contain at least one non-empty matcher');
  return sets;
}

/** paginationParams reads group_limit and group_next_token as parseListRulesPaginationRequest. */
function paginationParams(params: ApiParams): { maxGroups: number; nextToken: string } {
  const limit = one(params, 'group_limit') ?? '';
  const token = one(params, 'group_next_token') ?? '';
  if (token !== '' && limit === '') throw new ApiError('bad_data', 'invalid parameter "group_next_token": group_limit needs to be present in order to paginate over the groups');
  if (limit === '') return { maxGroups: -1, nextToken: '' };
  const n = /^[+-]?\d+$/.test(limit) ? Number(limit) : NaN;
  if (Number.isNaN(n)) throw new ApiError('bad_data', `invalid parameter "group_limit": group_limit needs to be a valid number: strconv.ParseInt: parsing ${JSON.stringify(limit)}: invalid syntax`);
  if (n > 2147483647 || n < -2147483648) throw new ApiError('bad_data', `invalid parameter "group_limit": group_limit needs to be a valid number: strconv.ParseInt: parsing ${JSON.stringify(limit)}: value out of range`);
  if (n <= 0) throw new ApiError('bad_data', 'invalid parameter "group_limit": group_limit needs to be greater than 0');
  return { maxGroups: n, nextToken: token };
}

/** ruleRoutes returns the routes of the rule engine; rules() is null until the manager runs. */
export function ruleRoutes(rules: () => RuleManager | null): Route[] {
  const get = { methods: ['GET'], readOnly: true } as const;
  return [
    {
      ...get,
      pattern: '/api/v1/rules',
      handler: (r) => {
        const matcherSets = ruleMatchers(r.params);
        const typ = (one(r.params, 'type') ?? '').toLowerCase();
        if (typ !== '' && typ !== 'alert' && typ !== 'record') throw new ApiError('bad_data', `invalid parameter "type": not supported value ${JSON.stringify(typ)}`);
        const ex = (one(r.params, 'exclude_alerts') ?? '').toLowerCase();
        if (ex !== '' && !['1', 't', 'true', '0', 'f', 'false'].includes(ex)) {
          throw new ApiError('bad_data', `invalid parameter "exclude_alerts": error converting exclude_alerts: strconv.ParseBool: parsing ${JSON.stringify(ex)}: invalid syntax`);
        }
        const excludeAlerts = ['1', 't', 'true'].includes(ex);
        const names = new Set(many(r.params, 'rule_name[]'));
        const groupsSet = new Set([...many(r.params, 'rule_group[]'), ...many(r.params, 'group_name[]')]);
        const filesSet = new Set(many(r.params, 'file[]'));
        const { maxGroups, nextToken } = paginationParams(r.params);
        const out: unknown[] = [];
        let foundToken = false;
        let groupNext = '';
        for (const g of rules()?.ruleGroups() ?? []) {
          if (maxGroups > 0 && nextToken !== '' && !foundToken) {
            if (nextToken !== groupNextToken(g.file, g.name)) continue;
            foundToken = true;
          }
          if (groupsSet.size > 0 && !groupsSet.has(g.name)) continue;
          if (filesSet.size > 0 && !filesSet.has(g.file)) continue;
          const rs: unknown[] = [];
          for (const rule of g.rules) {
            if (matcherSets.length > 0 && !matcherSets.some((ms) => ms.every((m) => m.matches(rule.labels[m.name] ?? '')))) continue;
            if (names.size > 0 && !names.has(rule.name)) continue;
            if (rule.kind === 'alerting' && typ === 'record') continue;
            if (rule.kind === 'recording' && typ === 'alert') continue;
            rs.push(ruleJson(rule, excludeAlerts));
          }
          if (rs.length === 0) continue;
          if (maxGroups > 0 && out.length === maxGroups) {
            groupNext = groupNextToken(g.file, g.name);
            break;
          }
          out.push({
            name: g.name,
            file: g.file,
            rules: rs,
            interval: g.intervalMs / 1000,
            limit: g.limit,
            evaluationTime: g.evaluationSeconds,
            lastEvaluation: iso(g.lastEvaluation),
          });
        }
        if (maxGroups > 0 && nextToken !== '' && !foundToken) throw new ApiError('bad_data', `invalid parameter "group_next_token": invalid group_next_token '${nextToken}'. were rule groups changed?`);
        return ok(groupNext !== '' ? { groups: out, groupNextToken: groupNext } : { groups: out });
      },
    },
    {
      ...get,
      pattern: '/api/v1/alerts',
      handler: () => {
        const alerts: ApiAlert[] = [];
        for (const g of rules()?.ruleGroups() ?? []) for (const rule of g.alertingRules()) alerts.push(...rule.activeAlerts().map(apiAlert));
        return ok({ alerts });
      },
    },
  ];
}
