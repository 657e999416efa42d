// ESLint's recommended rules and typescript-eslint's, syntax only: the type-aware set would make
// `npm run lint` several times slower, and `npm run typecheck` already checks the types.
// Formatting is Prettier's job (`npm run format:check`), so no stylistic rules here.
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  // Built, generated or user-authored content: the bundle, test fixtures and example projects.
  globalIgnores(['dist/', 'coverage/', 'renders/', 'demo-out/', 'bench/results/', '__tests__/fixtures/', 'examples/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Stripping ANSI colours from CLI output and refusing NUL bytes in names match control
      // characters on purpose.
      'no-control-regex': 'off',
      // `const { project: _project, ...request } = body` drops a key on purpose; a leading
      // underscore marks anything else that is unused by design.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }]
    }
  },
  {
    // The emulator's own tests read its JSON replies loosely on purpose and assert the shapes.
    files: ['__tests__/emulator.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    // The few plain JavaScript files (configs, the benchmark's RSS probe) run on Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } }
  }
)
