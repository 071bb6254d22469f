/**
 * The layering of src/, checked by `npm test` (docs/architecture.md is the
 * map in words). Each folder may import only the folders listed for it;
 * a change that needs a new arrow changes this map and the document first,
 * with the reason.
 */

/** Allowed imports per folder of src/ (besides itself and node_modules). */
const ALLOWED = {
  util: [],
  contract: ['util'],
  io: ['util'],
  config: ['contract', 'io', 'util'],
  validation: ['contract', 'io', 'util'],
  store: ['config', 'contract', 'io', 'util', 'validation'],
  features: ['contract', 'io', 'store', 'util'],
  rules: ['config', 'features', 'util'],
  // config: the pairs of ids a mapping's entity_pairs names (config/entity-pairs.ts) are the history entities' pairs.
  models: ['config', 'features', 'io', 'rules', 'store', 'util'],
  'run-folder': ['io', 'models', 'store', 'util'],
  score: ['config', 'features', 'io', 'models', 'rules', 'run-folder', 'store', 'util'],
  plan: ['config', 'features', 'io', 'models', 'rules', 'run-folder', 'store', 'util'],
  report: ['config', 'io', 'models', 'rules', 'run-folder', 'store', 'util'],
  generate: ['contract', 'io', 'util', 'validation'],
  app: ['config', 'contract', 'features', 'generate', 'io', 'models', 'plan', 'report', 'rules', 'run-folder', 'score', 'store', 'util'],
  cli: ['app', 'config', 'util'],
  types: [],
};

/**
 * Inside models/, the roles (docs/architecture.md): statistics, then the
 * learners (no domain code: they would serve any tabular problem), then the
 * risk model, then its evaluation and its monitoring. Each may import the
 * roles listed for it and anything outside models/ that models/ may import;
 * learners and stats import nothing domain at all.
 */
const MODEL_ROLES = {
  stats: { roles: [], outside: ['util'] },
  learners: { roles: ['stats'], outside: ['util'] },
  risk: { roles: ['stats', 'learners'], outside: ALLOWED.models },
  evaluation: { roles: ['stats', 'learners', 'risk'], outside: ALLOWED.models },
  monitoring: { roles: ['stats', 'learners', 'risk'], outside: ALLOWED.models },
};
const roleRules = Object.entries(MODEL_ROLES).map(([role, { roles, outside }]) => {
  const ok = [...[role, ...roles].map((r) => `models/${r}/`), ...outside.map((f) => `${f}(/|\\.ts$)`)];
  return {
    name: `models-${role}`,
    comment: `src/models/${role} may import only models/${[role, ...roles].join(', models/')} and ${outside.join(', ')} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^src/models/${role}/` },
    to: { path: '^src/', pathNot: `^src/(${ok.join('|')})` },
  };
});

const folderOf = (name) => (name.endsWith('.ts') ? name.slice(0, -3) : name);
const layerRules = Object.entries(ALLOWED).map(([from, allowed]) => {
  const ok = [from, ...allowed].map(folderOf);
  return {
    name: `layer-${from}`,
    comment: `src/${from} may import only ${ok.join(', ')} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^src/${from}(/|\\.ts$)` },
    to: { path: '^src/', pathNot: `^src/(${ok.join('|')})(/|\\.ts$)` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    ...roleRules,
    {
      name: 'models-roles-only',
      comment: 'every file of src/models belongs to a role folder (stats, learners, risk, evaluation, monitoring)',
      severity: 'error',
      from: { path: '^src/models/[^/]+\\.ts$' },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no file imports itself through others',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'unknown-folder',
      comment: 'every folder of src/ has its place in the map (.dependency-cruiser.cjs and docs/architecture.md)',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${Object.keys(ALLOWED).join('|')})(/|\\.ts$)` },
      to: {},
    },
    {
      name: 'cli-no-files',
      comment: 'src/cli parses flags and calls src/app: it reads and writes no files (no node:fs) and runs no SQL (no io)',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises)$' },
    },
    {
      name: 'src-not-tests',
      comment: 'the product never imports tests or scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
