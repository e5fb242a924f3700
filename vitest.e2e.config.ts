import { defineConfig } from 'vitest/config';

// Browser journeys against `upshift serve` in Debian's Chromium: one file at a time (each starts servers and a
// browser), generous timeouts for upgrades that run real git, install and smoke commands.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
