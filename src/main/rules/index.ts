/** The rules subsystem: rule files, their evaluation, and the routes that show them. */
export { loadRuleFile, type RuleFile, type RuleGroup } from './file';
export { RuleManager, engineQueryFunc, type Clock, type ExtraRuleFile, type ManagerOptions, type UpdateResult } from './manager';
export { Group, groupKey, type NotifyAlert } from './group';
export { ruleRoutes } from './routes';
export { StarterRules, shippedStarterPath, type StarterSettings } from './starter';
export { ruleEditRoutes } from './edit';
export { GapDetector, gapRoutes, type Gap, type GapSources, type ClusterTargets } from './gap';
