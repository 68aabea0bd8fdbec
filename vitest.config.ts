import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, tests beside it under src/) and `integration` (tests under test/ that talk to
 * the real PostgreSQL, Redis and NATS on this machine). `e2e` drives real Chromium against the whole stack.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['proto/**/*.test.ts', 'services/*/src/**/*.test.ts', 'web/*/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['services/*/test/**/*.test.ts', 'web/client/test/**/*.test.ts'],
          environment: 'node',
          // Integration suites share the servers (and JetStream consumers): one file at a time.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: {
            NODE_ENV: 'test',
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
            DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cipherlink_test',
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          env: {
            NODE_ENV: 'test',
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
            DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cipherlink_test',
          },
        },
      },
    ],
  },
});
