import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: {
    // Workspace packages resolve to their TypeScript sources: tests never need a build.
    resolve: { conditions: ['@heapdiff/source'] },
  },
  resolve: { conditions: ['@heapdiff/source'] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
