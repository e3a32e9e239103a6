import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Files that may import electron: the Electron entry, its shell/ pieces, and the preload. */
const ELECTRON_ALLOWED = ['src/main/index.ts', 'src/main/shell/**', 'src/preload/**'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.cache/',
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      'contracts/lib/',
      'contracts/out/',
      'contracts/cache/',
      'src/main/chain/artifacts/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The provider node is plain Node: only the Electron shell may import electron.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ELECTRON_ALLOWED,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts, src/main/shell/ and src/preload/ import electron.',
            },
          ],
          patterns: [{ group: ['electron/*'], message: 'Only the Electron shell imports electron.' }],
        },
      ],
    },
  },
  {
    // IPC handlers are registered in one place, with a sender check and payload validation (shell/ipc.ts).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/shell/ipc.ts', 'src/preload/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='ipcMain']",
          message: 'Register IPC handlers through registerApiHandlers (src/main/shell/ipc.ts).',
        },
        {
          selector: "MemberExpression[object.name='ipcRenderer']",
          message: 'Only the preload talks to ipcRenderer.',
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
