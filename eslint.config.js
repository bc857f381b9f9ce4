// @ts-check
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Feature folders never import each other; routes/ composes them.
const features = ['connectors', 'authorize', 'filters', 'status-mapping', 'custom-fields', 'calculated-fields', 'wizard'];

// Imports restricted across app/ (tests may use mocks/; only app/main.tsx imports global CSS).
const mocksImport = { group: ['**/mocks/**', '../mocks/*'], message: 'Only tests use mocks/.' };
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
    rules: { 'no-restricted-imports': ['error', { patterns: [mocksImport, globalCssImport] }] },
  },
  {
    files: ['app/testing/**', 'app/**/*.test.ts', 'app/**/*.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [globalCssImport] }] },
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
