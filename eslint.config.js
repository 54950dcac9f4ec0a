// @ts-check
import nodePlugin from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', '.data/', 'coverage/'] },
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
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-params': ['error', 3],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@groundwork/*/src/*', '@groundwork/*/src'],
              message: 'Import a package through its public entry.',
            },
            {
              group: ['**/apps/*', '@groundwork/api', '@groundwork/worker'],
              message: 'Packages and apps never import from another app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/config/src/**/*.ts', 'test/**/*.ts', 'vitest.config.ts'],
    rules: { 'n/no-process-env': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { 'max-params': 'off', '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
