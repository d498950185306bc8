import { defineConfig } from 'vitest/config';

// End-to-end tests run against the built app (npm run build first): real processes, real
// browser, real peers. They run one file at a time so timings are not distorted.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
    // No notify-send/osascript from the Vigil processes the tests start (see host/core.ts).
    env: { VIGIL_SYSTEM_NOTIFIER: 'off' },
  },
});
