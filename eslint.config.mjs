// @ts-check
// One lint configuration for every workspace. Each package's `lint` script runs
// `eslint .` in its folder; ESLint finds this file by walking up from each file.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/**
 * Who may import whom. `domain` is contracts only; `db` and `runtime` build on
 * it; `use-cases` on those three; apps on all four and never on each other;
 * `testing` is for tests. `sdk` is the clients' package and imports no workspace
 * at all: it ships alone.
 * Examples (examples/*) are client apps: like any client, they reach the platform
 * through `sdk` only.
 * e2e/ and bench/ cross apps on purpose. A dependency on another workspace goes
 * through its package name (so through its `exports`), never a relative path.
 */
const viaPackageName = { source: '@coachline/**' };
const sameElement = { element: { path: '{{ from.element.path }}' } };
const packages = (...types) => ({ element: { types: { anyOf: types } } });

/** @type {import('eslint-plugin-boundaries').DependenciesPolicy[]} */
const policies = [
  // Inside one workspace, any relative import.
  { allow: { to: sameElement } },
  { from: packages('db', 'runtime'), allow: { to: packages('domain'), dependency: viaPackageName } },
  { from: packages('use-cases', 'testing'), allow: { to: packages('domain', 'db', 'runtime'), dependency: viaPackageName } },
  { from: packages('app'), allow: { to: packages('domain', 'db', 'runtime', 'use-cases'), dependency: viaPackageName } },
  { from: packages('example'), allow: { to: packages('sdk'), dependency: viaPackageName } },
  { from: packages('e2e', 'bench'), allow: { to: packages('domain', 'db', 'runtime', 'use-cases', 'testing', 'app', 'sdk'), dependency: viaPackageName } },
  // Test files of apps and packages may use the shared test helpers; production code may not.
  { from: { ...packages('app', 'db', 'runtime', 'use-cases'), file: { categories: 'test' } }, allow: { to: packages('testing'), dependency: viaPackageName } },
  // npm packages and Node's own modules.
  { allow: { to: { module: { origin: ['external', 'core'], source: '!@coachline/**' } } } },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.local/**', '.turbo/**', '**/*.js', '**/*.cjs', '**/*.mjs', 'packages/db/migrations/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: ROOT,
      },
    },
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': ROOT,
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
      'boundaries/elements': [
        { type: 'app', pattern: 'apps/*', partialMatch: false },
        { type: 'domain', pattern: 'packages/domain', partialMatch: false },
        { type: 'db', pattern: 'packages/db', partialMatch: false },
        { type: 'runtime', pattern: 'packages/runtime', partialMatch: false },
        { type: 'use-cases', pattern: 'packages/use-cases', partialMatch: false },
        { type: 'testing', pattern: 'packages/testing', partialMatch: false },
        { type: 'sdk', pattern: 'packages/sdk', partialMatch: false },
        { type: 'e2e', pattern: 'e2e', partialMatch: false },
        { type: 'bench', pattern: 'bench', partialMatch: false },
        { type: 'example', pattern: 'examples/*', partialMatch: false },
      ],
      'boundaries/files': [{ category: 'test', pattern: ['**/*.test.ts', '**/src/testing/**'] }],
      // Resolves `@coachline/x/y` through the package's `exports`, as Node and tsc do:
      // a subpath that is not exported stays unresolved, hence external, and is refused below.
      'import/resolver': { typescript: {} },
    },
    rules: {
      // Off: here `async` without `await` is how a function keeps a Promise-returning contract
      // (shutdown steps, queue handlers, notification planners, store interfaces) and turns a
      // synchronous throw into a rejection; dropping `async` to please the rule would change that.
      '@typescript-eslint/require-await': 'off',
      // OpenTelemetry's SDK and bull-board are required inside the function that needs them, so
      // their heap is paid only when tracing or the dashboard is on; an import() would make
      // startTracing and mounting the dashboard asynchronous for nothing.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^@opentelemetry/', '^@bull-board/'] }],
      // Express tells error handlers from other middleware by their four parameters.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // pg-utils.d.ts types an untyped pg module; only a path reference brings it into the
      // programs of the apps that compile db's sources.
      '@typescript-eslint/triple-slash-reference': ['error', { path: 'always' }],
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          checkUnknownLocals: true,
          message:
            '{{ from.element.types.[0] }} may not import "{{ dependency.source }}": apps never import another app, packages never import apps, domain imports nothing of ours, db and runtime only domain, use-cases only those three, only tests use @coachline/testing, and another workspace is reached only through a subpath its package.json exports.',
          policies,
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/src/testing/**/*.ts'],
    rules: {
      // Off in tests only: supertest types every response body as `any`, jest's asymmetric
      // matchers (expect.any, expect.objectContaining) return `any`, and the socket test helpers
      // return acknowledgements the same way. Tests read those values to assert on them; casting
      // each one would add noise and no safety, as expect checks them.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
