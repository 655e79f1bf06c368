// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'coverage/',
      'node_modules/',
      '.data/',
      'bench/results/',
      '*.mjs',
      '*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        // Nest resolves constructor parameters from emitted decorator metadata, which needs
        // the runtime import of an injected class.
        {
          prefer: 'type-imports',
          fixStyle: 'separate-type-imports',
          disallowTypeAnnotations: false,
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/event-store/*',
                '!**/event-store/index',
                '!**/event-store',
                '!**/event-store/cli',
              ],
              message: 'Use the event store only through its public index.ts (or cli/ for a CLI).',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain is plain TypeScript: no framework, ORM or driver may leak into it.
    files: ['src/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'domain/ must not depend on Nest.' },
            {
              group: ['typeorm', 'typeorm/*', 'pg', 'pg-*'],
              message: 'domain/ must not depend on the database.',
            },
            {
              group: ['**/application/**', '**/infrastructure/**', '**/interface/**'],
              message: 'Dependencies point inward.',
            },
            {
              group: ['uuid', 'node:*', 'crypto'],
              message: 'Ids and time come into the domain from outside.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typeorm', 'typeorm/*', 'pg'],
              message: 'application/ talks to the database only through ports.',
            },
            {
              group: ['**/infrastructure/**', '**/interface/**'],
              message: 'Dependencies point inward.',
            },
            {
              group: [
                '**/event-store/*',
                '!**/event-store/index',
                '!**/event-store',
                '!**/event-store/cli',
              ],
              message: 'Use the event store only through its public index.ts (or cli/ for a CLI).',
            },
          ],
        },
      ],
    },
  },
  {
    // The event store is a module of its own: it depends on the database module alone, so any
    // service can take it, and nothing it exports leads back into the application's code.
    files: ['src/event-store/**/*.ts'],
    ignores: ['src/event-store/**/*.spec.ts', 'src/event-store/**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/shared/**',
                '**/todo/**',
                '**/activity/**',
                '**/operations/**',
                '**/auth/**',
                '**/app.module',
                '**/config',
              ],
              message: 'src/event-store/ depends on src/database/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The database module serves every module and knows none: modules bring their own tables.
    files: ['src/database/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/event-store',
                '**/event-store/**',
                '**/todo/**',
                '**/activity/**',
                '**/shared/**',
                '**/operations/**',
                '**/auth/**',
                '**/migrations',
                '**/app.module',
              ],
              message: 'src/database/ imports no feature module.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
