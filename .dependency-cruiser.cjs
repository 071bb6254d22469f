/**
 * The layering of src/, checked by `npm test` (docs/architecture.md is the
 * map in words). Each folder may import only the folders listed for it;
 * a change that needs a new arrow changes this map and the document first,
 * with the reason.
 *
 * DEBT marks the arrows that exist today against the target shape (steps
 * calling each other sideways); the reshaping of issue 12 removes them, and
 * removes them here with it. No new arrow may be added to that list.
 */

/** Allowed imports per folder of src/ (besides itself and node_modules). */
const ALLOWED = {
  util: [],
  contract: ['util'],
  config: ['contract', 'util'],
  io: ['util'],
  validation: ['contract', 'io', 'util'],
  store: ['config', 'contract', 'io', 'util', 'validation'],
  features: ['contract', 'io', 'store', 'util'],
  rules: ['config', 'features', 'util'],
  evaluate: ['io', 'util'],
  models: ['evaluate', 'features', 'io', 'rules', 'store', 'util'],
  report: ['config', 'io', 'models', 'rules', 'store', 'util'],
  score: ['config', 'features', 'io', 'models', 'rules', 'store', 'util'],
  plan: ['config', 'features', 'io', 'models', 'rules', 'store', 'util'],
  generate: ['contract', 'io', 'util', 'validation'],
  pipeline: ['config', 'contract', 'io', 'report', 'store', 'util'],
  cli: ['config', 'contract', 'evaluate', 'features', 'generate', 'io', 'models', 'pipeline', 'plan', 'report', 'rules', 'score', 'store', 'util'],
  types: [],
};

/**
 * Arrows that exist today and go against the target shape (docs/architecture.md, "Debts").
 * Each is [from folder, to folder]: allowed until the reshaping removes it.
 */
const DEBT = [
  ['contract', 'validation'], // the contract document reads reject codes and SQL types from validation
  ['io', 'config'], // io/source.ts takes the Delimiter and Encoding types of the mapping
  ['models', 'score'], // models reuse score's feature rows and codeVersion
  ['score', 'report'], // score writes the batch report itself
  ['plan', 'score'], // plan runs score when the period has no run
  ['plan', 'report'], // plan writes the batch report with the plan summary
];

const folderOf = (name) => (name.endsWith('.ts') ? name.slice(0, -3) : name);
const layerRules = Object.entries(ALLOWED).map(([from, allowed]) => {
  const ok = [from, ...allowed, ...DEBT.filter(([f]) => f === from).map(([, t]) => t)].map(folderOf);
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
