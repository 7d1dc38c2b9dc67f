// ESLint 9 (flat config) + typescript-eslint for the code's rules and the architecture's lines; Prettier owns the
// layout (eslint-config-prettier turns off every ESLint rule that would argue with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Pure, DOM-free core modules the compare webview may bundle (the guard test checks the same list). */
const WEBVIEW_CORE = [
  'protocol',
  'core/compare/format',
  'core/compare/direction',
  'core/compare/smoothing',
  'core/compare/curve',
  'core/compare/stepValues',
  'core/compare/bisect',
  'core/model',
  'core/sweep/axes',
  'core/sweep/brush',
  'core/sweep/brushIndex',
  'core/sweep/nearest',
  'core/sweep/types',
  'core/sources/sourceUri',
];

/** Browser globals that have no place in core (it runs in the extension host, the CLI and worker threads). */
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'HTMLElement',
  'Element',
  'requestAnimationFrame',
  'acquireVsCodeApi',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'bench/.work/**',
      'media/**',
      '.vscode-test/**',
      '.runlens-tmp/**',
      'test/fixtures/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        SharedArrayBuffer: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      // TypeScript checks names (with the right lib per tsconfig); no-undef would only repeat it, wrongly.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Run files are parsed by hand: control characters in patterns are deliberate (terminal and CSV guards).
      'no-control-regex': 'off',
    },
  },
  {
    // Small modules with one job (docs/architecture.md); a longer function is a measured hot loop and says so.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    files: ['src/vscode/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Each setting is read in one place, with its default and bounds written once (settings.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/settings.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='getConfiguration']",
          message: 'Read and write runlens.* settings in src/vscode/settings.ts only.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core is shared with the CLI: no vscode.' }] },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS.map((name) => ({ name, message: 'src/core has no DOM.' }))],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/vscode/**/*.ts', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/db', '**/core/db/**', '**/core/readers', '**/core/readers/**', '**/core/index/**'],
              message: 'Reach the index through its facade: import from core/index (see docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the host through src/protocol.ts only.' }],
          patterns: [
            {
              regex: `^\\.\\./src/(?!(${WEBVIEW_CORE.join('|')})$)`,
              message: `The webview may import only ${WEBVIEW_CORE.join(', ')} from src/ (pure, DOM-free, no Node).`,
            },
          ],
        },
      ],
    },
  },
  prettier,
);
