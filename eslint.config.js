import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', 'node_modules/', 'data/', 'coverage/', 'src/server/db/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The browser-safe core: crypto, credential model, holder SDK and offline verifier.
    files: ['src/bbs/**/*.ts', 'src/credential/**/*.ts', 'src/holder/**/*.ts', 'src/verifier/**/*.ts'],
    // privid/holder/node is the one Node-only corner of the holder SDK (an encrypted-file store).
    ignores: ['src/holder/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The core must stay browser-safe: no Node built-ins.' },
            {
              group: ['fastify', '@fastify/*', '@prisma/*', 'pg', '@electric-sql/*'],
              message: 'No service dependencies in the core.',
            },
          ],
        },
      ],
    },
  },
  {
    // What wallets and kiosks bundle ships no schema library: the TypeBox definitions (formats.ts,
    // schema-definition-schema.ts, trust-list-schema.ts) are for the server and the generator of generated/.
    files: ['src/bbs/**/*.ts', 'src/credential/**/*.ts', 'src/holder/**/*.ts', 'src/verifier/**/*.ts'],
    ignores: [
      'src/holder/node/**',
      'src/credential/formats.ts',
      'src/credential/schema-definition-schema.ts',
      'src/verifier/trust-list-schema.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The core must stay browser-safe: no Node built-ins.' },
            {
              group: ['fastify', '@fastify/*', '@prisma/*', 'pg', '@electric-sql/*'],
              message: 'No service dependencies in the core.',
            },
            {
              group: [
                'typebox',
                'typebox/*',
                '**/formats.js',
                '**/schema-definition-schema.js',
                '**/trust-list-schema.js',
                '!**/generated/trust-list-schema.js',
              ],
              message: 'The SDK validates with the generated JSON Schemas (generated/*.ts); TypeBox is server-side.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pages' scripts run in browsers: no Node built-ins, no server code.
    files: ['src/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Page scripts run in the browser: no Node built-ins.' },
            { group: ['**/server/**', 'fastify', '@fastify/*', '@prisma/*'], message: 'No server code in pages.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
