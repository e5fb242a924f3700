import { defineConfig } from 'vitest/config';

// Renderer unit tests run in plain Node (no DOM): pure modules, and components through react-dom/server.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
