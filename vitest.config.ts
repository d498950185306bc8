import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No notify-send/osascript from the Vigil processes the tests start (see host/core.ts).
    env: { VIGIL_SYSTEM_NOTIFIER: 'off' },
  },
});
