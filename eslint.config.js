// @ts-check
import nodePlugin from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

// Import boundaries (ADR 015), checked by scripts/lint/import-boundaries.test.ts. Options of one rule do not
// merge across blocks, so each block below lists every pattern that applies to its files.
const publicEntryOnly = {
  group: ['@groundwork/*/src/*', '@groundwork/*/src'],
  message: 'Import a package through its public entry.',
};
const noAppImports = {
  // The typed client imports the router's *type* (erased at build); nothing else crosses into an app.
  group: ['**/apps/*', '@groundwork/api', '@groundwork/api/*', '@groundwork/worker'],
  message: 'Packages and apps never import from another app (type-only imports of the router excepted).',
  allowTypeImports: true,
};
const noTransportInDomain = {
  group: ['@trpc/server', '@trpc/server/*', 'express', 'express/*', 'bullmq', 'bullmq/*'],
  message: 'Domain packages stay transport-free: routers, HTTP handlers and job processors live in the apps.',
};
const noFeatureInternals = {
  // `../<other feature>/<file>` unless the file is that feature's `<feature>.public.ts`; `../../` paths leave features/.
  regex: String.raw`^\.\./(?!\.\./)[^/]+/(?![^/]+\.public\.js$)|/features/[^/]+/(?![^/]+\.public\.js$)`,
  message:
    'A feature uses another feature only through its <feature>.public.ts (or a domain package), never its internals.',
};
const restrictImports = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  // The consumer template is an app of its own: checked by its own tsc in test/consumer, against the packed client.
  { ignores: ['node_modules/', '**/dist/', '.data/', 'coverage/', 'test/consumer/template/'] },
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { n: nodePlugin },
    rules: {
      // Config is read in one place (packages/config) and injected everywhere else.
      'n/no-process-env': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-non-null-assertion': 'error',
      // Contradicts no-non-null-assertion: we would rather narrow or assert a type than use `!`.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-params': ['error', 3],
      ...restrictImports(publicEntryOnly, noAppImports),
    },
  },
  {
    // Domain and library packages: no transport (tRPC, Express) and no queue runtime (BullMQ lives in packages/queue).
    files: ['packages/{auth,billing,config,core,db}/**/*.ts'],
    rules: restrictImports(publicEntryOnly, noAppImports, noTransportInDomain),
  },
  {
    files: ['apps/api/src/features/**/*.ts'],
    rules: restrictImports(publicEntryOnly, noAppImports, noFeatureInternals),
  },
  {
    // End-to-end tests and their support compose the whole system, apps included.
    files: ['test/**/*.ts'],
    rules: restrictImports(publicEntryOnly),
  },
  {
    // The billing commands run on the worker's composition root (one wiring per process kind).
    files: ['scripts/lib/billing-runtime.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // The example's build config reads WEB_PORT and VITE_API_URL, as Vite apps do.
    files: ['packages/config/src/**/*.ts', 'test/**/*.ts', 'vitest.config.ts', 'examples/web/vite.config.ts'],
    rules: { 'n/no-process-env': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', '**/*.typecheck.ts'],
    // Fakes are often async without awaiting anything, to match the signature they stand in for.
    rules: { 'max-params': 'off', '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
