import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: {
    // Workspace packages resolve to their TypeScript sources: tests never need a build.
    resolve: { conditions: ['@heapdiff/source'] },
  },
  resolve: { conditions: ['@heapdiff/source'] },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The built CLI (packages/cli/bin) is what some tests run: built once, before them.
    globalSetup: ['test/build-packages.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores: most tests wait on child processes; one file at a time took CI to 14.8 of its 15 minutes.
    maxWorkers: 2,
    // CI reads the counts from this file to print its closing "N passed, N failed" line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});
