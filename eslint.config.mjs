// Lint rules that keep the style guide honest: process.env is read only in env.ts files.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration only in env.ts (parsed and validated once).',
        },
      ],
    },
  },
  {
    files: ['**/env.ts', '**/test/**', '**/*.test.ts', 'scripts/**', 'bench/**', 'packages/testkit/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
