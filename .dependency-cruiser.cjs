/**
 * Layering rules, enforced in the test command (`npm run lint`). Folder names are the contract:
 *  - src/common    pure TypeScript: no Node, no DOM, no Electron, no npm runtime; imports only common.
 *  - src/main/electron  the only code that may import 'electron' (windows, tray, notifications, IPC).
 *  - src/main/*    the core: plain Node; never imports electron, the renderer or the preload.
 *  - src/preload   'electron' (contextBridge, ipcRenderer) and src/common only.
 *  - src/renderer  DOM only: no Node builtins, no Electron, no core; talks to the core via the client.
 *  - better-sqlite3 only in src/main/storage; @kubernetes/client-node only in src/main/kube.
 *  - src/main/promql: kernel/ (value types, helper and host interfaces, labels, annotations, math,
 *    the query context) imports nothing else of the engine but value.ts; functions/ imports only
 *    kernel/ and histogram/; histogram/ only kernel/; eval/ never functions/ (engine.ts hands the
 *    function table to the evaluator, the one place that wires the two together).
 * Do not relax these rules: they are what lets the core run and be tested in plain Node.
 */
/**
 * SUBSYSTEMS lists, for each folder of src/main, the sibling folders it may import (besides itself
 * and src/common). The arrows follow the data: discovery -> scrape -> storage -> promql ->
 * rules/alerting -> api/host -> shell; a consumer imports its producer's contract, never the other
 * way, and no subsystem imports api or host. `storage/interface.ts` stands for "storage's
 * contract only".
 */
const SUBSYSTEMS = {
  util: [],
  storage: ['util'],
  relabel: ['util'],
  kube: ['util'],
  kubestate: ['util', 'kube'],
  config: ['util', 'relabel', 'discovery'],
  discovery: ['util', 'config', 'kube', 'relabel'],
  scrape: ['util', 'config', 'relabel', 'discovery', 'kube', 'storage/interface.ts'],
  promql: ['util', 'storage/interface.ts'],
  template: ['util'],
  rules: ['util', 'config', 'relabel', 'promql', 'template', 'storage/interface.ts'],
  alerting: ['util', 'config', 'relabel', 'template', 'rules'],
  push: ['util', 'config', 'storage/interface.ts'],
  remote: ['util', 'config', 'relabel', 'kube', 'storage/interface.ts'],
  cluster: ['util', 'config', 'kube', 'discovery', 'scrape', 'kubestate'],
  demo: ['util', 'kube', 'storage'],
  electron: ['util'],
  api: ['util', 'template', 'config', 'relabel', 'discovery', 'kube', 'scrape', 'storage', 'promql', 'rules', 'alerting', 'push', 'remote'],
  host: ['util', 'template', 'config', 'relabel', 'discovery', 'kube', 'scrape', 'storage', 'promql', 'rules', 'alerting', 'push', 'remote', 'kubestate', 'cluster', 'demo', 'api'],
  cli: ['util', 'template', 'config', 'relabel', 'discovery', 'kube', 'scrape', 'storage', 'promql', 'rules', 'alerting', 'push', 'remote', 'kubestate', 'cluster', 'demo', 'api', 'host'],
};

const esc = (s) => s.replace(/[.]/g, '\\.');
const subsystemRules = Object.entries(SUBSYSTEMS).map(([name, allowed]) => ({
  name: `subsystem-${name}`,
  comment: `src/main/${name} may import only ${allowed.length ? allowed.join(', ') : 'nothing of src/main'} (besides itself and src/common).`,
  severity: 'error',
  from: { path: `^src/main/${name}/` },
  to: {
    path: '^src/main/',
    pathNot: [`^src/main/${name}/`, ...allowed.map((a) => (a.endsWith('.ts') ? `^src/main/${esc(a)}$` : `^src/main/${a}/`))],
  },
}));

module.exports = {
  forbidden: [
    ...subsystemRules,
    {
      name: 'core-imports-electron',
      comment: 'Only src/main/electron may import electron; the core must run in plain Node.',
      severity: 'error',
      from: { path: '^src/main/', pathNot: '^src/main/electron/' },
      to: { path: '^electron$|(^|/)node_modules/electron/' },
    },
    {
      name: 'core-imports-ui',
      comment: 'The core must not import the renderer or the preload.',
      severity: 'error',
      from: { path: '^src/main/' },
      to: { path: '^src/(renderer|preload)/' },
    },
    {
      name: 'common-is-pure',
      comment: 'src/common imports nothing outside src/common (no Node builtins, no npm, no electron).',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { pathNot: '^src/common/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs in a sandboxed browser context: no Node builtins, no electron, no core.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: {
        path: ['^electron$', '(^|/)node_modules/electron/', '^src/main/', '^src/preload/', 'better-sqlite3', '@kubernetes/client-node'],
      },
    },
    {
      name: 'renderer-no-node-builtins',
      comment: 'The renderer must not use Node builtins.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-minimal',
      comment: 'The preload may import only electron and src/common.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { pathNot: ['^electron$', '(^|/)node_modules/electron/', '^src/common/', '^src/preload/'] },
    },
    {
      name: 'sqlite-only-in-storage',
      comment: 'better-sqlite3 is the storage subsystem\'s private business.',
      severity: 'error',
      from: { pathNot: '^src/main/storage/' },
      to: { path: 'better-sqlite3' },
    },
    {
      name: 'kube-client-only-in-kube',
      comment: '@kubernetes/client-node is used only by src/main/kube and src/main/discovery/kubernetes.',
      severity: 'error',
      from: { pathNot: '^src/main/(kube|discovery/kubernetes)/' },
      to: { path: '@kubernetes/client-node' },
    },
    {
      name: 'promql-engine-not-sqlite',
      comment: 'The PromQL engine reads through the storage interfaces only.',
      severity: 'error',
      from: { path: '^src/main/promql/' },
      to: { path: '^src/main/storage/', pathNot: '^src/main/storage/interface\\.ts$' },
    },
    {
      name: 'promql-eval-not-functions',
      comment: 'The evaluator gets the function table from engine.ts (EvalOptions.functions); it never imports functions/.',
      severity: 'error',
      from: { path: '^src/main/promql/eval/' },
      to: { path: '^src/main/promql/functions/' },
    },
    {
      name: 'promql-functions-only-kernel',
      comment: 'PromQL functions build on the kernel and the histogram operations only, never on the evaluator.',
      severity: 'error',
      from: { path: '^src/main/promql/functions/' },
      to: { path: '^src/main/promql/', pathNot: '^src/main/promql/(functions|kernel|histogram)/' },
    },
    {
      name: 'promql-histogram-only-kernel',
      comment: 'Native-histogram operations build on the kernel only, never on the evaluator or the functions.',
      severity: 'error',
      from: { path: '^src/main/promql/histogram/' },
      to: { path: '^src/main/promql/', pathNot: '^src/main/promql/(histogram|kernel)/' },
    },
    {
      name: 'promql-kernel-is-base',
      comment: 'The kernel is what eval/, functions/ and histogram/ share: it imports none of them (only value.ts, the public contract).',
      severity: 'error',
      from: { path: '^src/main/promql/kernel/' },
      to: { path: '^src/main/promql/', pathNot: ['^src/main/promql/kernel/', '^src/main/promql/value\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
