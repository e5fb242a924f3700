import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer tests render components with react-dom/server.
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'test/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
