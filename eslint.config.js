// @ts-check
import fs from 'node:fs';

import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import importX from 'eslint-plugin-import-x';
import playwright from 'eslint-plugin-playwright';
import reactHooks from 'eslint-plugin-react-hooks';
import testingLibrary from 'eslint-plugin-testing-library';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Feature folders never import each other; routes/ composes them. Read from the folder, so a
// new feature is covered the day it is created.
const features = fs
  .readdirSync(new URL('./app/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Imports restricted across app/ (tests may use mocks/; only app/main.tsx imports global CSS).
const mocksImport = { group: ['**/mocks/**', '../mocks/*'], message: 'Only tests use mocks/.' };
// Only app/api calls the HTTP client (the error class may be read anywhere).
const httpClientCall = {
  group: ['@/lib/api-client', '**/lib/api-client'],
  importNames: ['apiRequest'],
  message: 'Only app/api calls the HTTP client: add a function or a query there.',
};
const globalCssImport = {
  regex: '^(?!.*\\.module\\.css(\\?.*)?$).*\\.css(\\?.*)?$',
  message:
    'Styles are CSS Modules: name the file *.module.css and use its classes. Only app/main.tsx imports the global stylesheets (app/styles: tokens and element resets).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.test-output/**', 'public/mockServiceWorker.js', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { typescript: true, node: true } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': 'error',
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', ['sibling', 'index']],
          pathGroups: [{ pattern: '@/**', group: 'internal' }],
          pathGroupsExcludedImportTypes: ['builtin', 'external'],
          'newlines-between': 'always',
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'Never eval.' },
        { selector: "NewExpression[callee.name='Function']", message: 'Never build functions from strings.' },
      ],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...features.map((feature) => ({
              target: `./app/features/${feature}`,
              from: './app/features',
              except: [`./${feature}`],
              message: 'Features never import other features; compose them in app/routes.',
            })),
            { target: './app/features', from: './app/routes', message: 'Features must not import the app layer.' },
            {
              target: ['./app/api', './app/components', './app/contracts', './app/lib', './app/stores', './app/hooks', './app/utils', './app/locales'],
              from: ['./app/features', './app/routes'],
              message: 'Shared layers must not import features or routes.',
            },
            {
              target: ['./server', './mocks', './e2e'],
              from: './app',
              except: ['./contracts'],
              message: 'Only app/contracts is shared with the server, the mocks and the browser tests.',
            },
            { target: './app', from: './server', message: 'The SPA never imports the server.' },
            {
              // server/** except its tests (*.test.ts, *.bench.ts) and the test kit (server/testing).
              target: './server/{,!(testing)/**/}!(*.test|*.bench).ts',
              from: './mocks',
              message: 'The product never imports mocks/ (the sandbox is its own program); only server tests and server/testing may.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**'],
    ignores: ['app/api/**', 'app/lib/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mocksImport, globalCssImport, httpClientCall] }] },
  },
  {
    // The typed client reads the type of the server's route definitions (hc<ApiType>); a type import
    // is erased, so nothing of the server reaches the bundle. Anything but a type import stays refused.
    files: ['app/api/client.ts'],
    rules: {
      'import-x/no-restricted-paths': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**'], allowTypeImports: true, message: 'The SPA imports only the type of the server (ApiType).' }] },
      ],
    },
  },
  {
    files: ['app/api/**', 'app/lib/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mocksImport, globalCssImport] }] },
  },
  {
    files: ['app/testing/**', 'app/**/*.test.ts', 'app/**/*.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [globalCssImport] }] },
  },
  ...pluginQuery.configs['flat/recommended'],
  {
    files: ['app/**/*.test.tsx', 'app/testing/**'],
    ...testingLibrary.configs['flat/react'],
    rules: {
      ...testingLibrary.configs['flat/react'].rules,
      // Vitest runs without globals, so Testing Library cannot register its own cleanup: the
      // setup file does, and a few files unmount first on purpose (to let the last save land).
      'testing-library/no-manual-cleanup': 'off',
      // Roles and names come first; a few checks read what only the DOM carries (data-figure,
      // data-drop, an element's next sibling in a definition list).
      'testing-library/no-node-access': 'off',
    },
  },
  {
    files: ['e2e/**/*.ts'],
    ...playwright.configs['flat/recommended'],
    rules: {
      ...playwright.configs['flat/recommended'].rules,
      // The screenshot helpers assert (toHaveScreenshot inside).
      'playwright/expect-expect': ['error', { assertFunctionNames: ['expectPage', 'expectScreen'] }],
      // What branches in the tests is a type guard or a project's parameter, never an assertion
      // (playwright/no-conditional-expect stays on).
      'playwright/no-conditional-in-test': 'off',
    },
  },
  {
    files: ['app/main.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mocksImport] }] },
  },
  {
    files: ['app/contracts/**'],
    ignores: ['app/contracts/**/*.test.ts', 'app/contracts/**/*.bench.ts', 'app/contracts/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\./)', message: 'Contracts import only zod and each other.' }] },
      ],
    },
  },
  {
    files: ['server/**'],
    ignores: ['server/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in server/env.ts only.' },
      ],
    },
  },
  {
    files: ['app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**', 'app/testing/**', 'mocks/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // expect.any() / expect.objectContaining() are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['.ci/**/*.mjs', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
