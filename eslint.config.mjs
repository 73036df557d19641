// The architecture's rules, checked by `npm run lint` (and `nx run-many -t lint`). CONTRIBUTING.md explains the layers.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import himari from './tools/lint/himari-plugin.mjs';

// @nx/enforce-module-boundaries reads the project graph from Nx's cache and silently skips every check when there is
// none (a fresh clone, CI): build it here so that every way of running ESLint (CLI, Nx, the Node API, an editor) checks.
await createProjectGraphAsync({ exitOnError: false });

const LAYERS = ['layer:core', 'layer:infra', 'layer:domain', 'layer:pipeline', 'layer:app'];

/** Each layer may depend on itself and the layers below it; apps on libraries only, never on another app. */
const depConstraints = LAYERS.map((tag, i) => ({
  sourceTag: tag,
  onlyDependOnLibsWithTags: tag === 'layer:app' ? LAYERS.slice(0, i) : LAYERS.slice(0, i + 1),
}));

/** A package's public entries: its index, fixtures for tests, offline (eval/bench/train) code, the bus's shared suite. */
const PUBLIC_SUBPATHS = ['testing', 'offline', 'contract-suite'];

const restrictedImports = [
  {
    regex: `^@himari/[^/]+/(?!(${PUBLIC_SUBPATHS.join('|')})$)`,
    message: "Deep import: use the package's public entry (`@himari/x`, `@himari/x/testing` or `@himari/x/offline`).",
  },
  {
    // Nx cannot see these imports (an app's package has no entry to resolve), so the rule is spelled here.
    regex: '^@himari/(app-[^/]+|cli)(/|$)',
    message: 'Apps are entry points: nothing imports an app. Move the shared code into a lib.',
  },
  {
    regex: '(^|/)(libs|apps)/[^/]+/(src|bin)(/|$)',
    message: 'Import another package by its name (`@himari/x`), not by a path into its folder.',
  },
];

const TS_SOURCE = ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'vitest.config.ts'];
/** Test code and fixture builders may set up what a library may not (they run in the test process, not a service). */
const TEST_FILES = ['**/*.test.ts', '**/testing.ts', '**/testing/**', '**/*-suite.ts'];

export default defineConfig(
  globalIgnores(['**/node_modules/**', '**/dist/**', 'coverage/**', '.nx/**', '.cache/**', 'bench/results/**', 'models/**', 'samples/**']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.node },
    rules: {
      // `_`-prefixed names are kept on purpose (a parameter an interface requires, a skipped tuple member).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': ['error', { patterns: restrictedImports }],
    },
  },
  {
    // Type-aware rules cost a TypeScript program: only on .ts source, where an unhandled promise really happens. One
    // program from the root tsconfig (it includes every package): the project service opens one per package tsconfig,
    // each with the sources of the packages it imports, and ran out of memory (4 GB) after five minutes on this tree.
    files: TS_SOURCE,
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'libs/*/src/**/*.mjs', 'apps/*/bin/**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints,
          // Nx's lazy-loading check is about bundle splitting in browser apps; in Node a dynamic import only defers
          // loading (an optional native backend, a test that loads a model lib late) and says nothing about layers.
          checkDynamicDependenciesExceptions: ['@himari/*'],
        },
      ],
    },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: TEST_FILES,
    plugins: { himari },
    rules: { 'himari/no-process-env': 'error' },
  },
);
