// Process boundaries are enforced here, not by hope (see docs/architecture.md):
//   shared/         runs everywhere: no node:*, no electron, no third-party Node-only modules
//   electron/core   and electron/cli run in plain Node: never 'electron'
//   renderer/       browser only: no node:*, no electron, nothing from electron/
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
// The package 'electron' itself (a bare specifier), not the project's own electron/ folder.
const electronPatterns = [{ regex: '^electron(/|$)', message: 'Only electron/main and electron/preload may import electron.' }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'renderer/dist/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'better-sqlite3'].map((name) => ({ name, message: 'shared/ is pure TypeScript that also runs in the renderer: no Node modules.' })),
        patterns: [...electronPatterns, { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ must not depend on electron/ or renderer/.' }],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/host/**/*.ts', 'test/**/*.ts', 'bench/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...electronPatterns, { group: ['**/renderer/**'], message: 'Node code must not import the renderer.' }],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...electronPatterns, { group: ['**/cli/**', '**/host/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'electron/core is the bottom layer: it must not import its callers.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    // The Vite config runs in Node at build time (it moves source maps aside and precompresses), not in the browser.
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed browser: no Node modules.' })),
        patterns: [...electronPatterns, { group: ['**/electron/**'], message: 'The renderer talks to the engine only through shared/api.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
