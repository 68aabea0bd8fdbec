import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const services = ['auth', 'directory', 'message-store', 'presence', 'gateway'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'tmp/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // proto imports nothing of ours.
  {
    files: ['proto/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@cipherlink/*', '../services/*', '../web/*'] }] },
  },
  // A service never imports another service; services share only proto and kit.
  ...services.map((name) => ({
    files: [`services/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...services.filter((o) => o !== name).flatMap((o) => [`@cipherlink/${o}`, `@cipherlink/${o}/*`, `**/${o}/src/**`]),
            '@cipherlink/runner',
            '@cipherlink/client',
            '@cipherlink/app',
          ],
        },
      ],
    },
  })),
  // The web never imports services; the SDK's crypto never touches the DOM or React.
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@cipherlink/kit', '@cipherlink/auth', '@cipherlink/directory', '@cipherlink/message-store', '@cipherlink/presence', '@cipherlink/gateway', '@cipherlink/runner', '**/services/**'] }] },
  },
  {
    files: ['web/client/src/crypto/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', '@cipherlink/app', '../transport/*', '../store/*'] }] },
  },
  // The UI uses the SDK; never sockets or crypto directly.
  {
    files: ['web/app/**/*.ts', 'web/app/**/*.tsx'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['WebSocket', 'crypto', 'indexedDB', 'fetch', 'BroadcastChannel', 'localStorage', 'sessionStorage'].map((name) => ({ name, message: 'use @cipherlink/client' })),
      ],
      'no-restricted-properties': ['error', { object: 'navigator', property: 'locks', message: 'use @cipherlink/client' }, { object: 'window', property: 'fetch', message: 'use @cipherlink/client' }],
      'no-restricted-imports': ['error', { patterns: ['@cipherlink/kit', '**/services/**', '@cipherlink/client/src/*'] }],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'services/runner/**', '**/test/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);
