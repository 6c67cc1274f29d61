// `pnpm bench assertions` runs this suite in a vitest worker, as a user's suite runs (see assertions-bench.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@heapdiff/source'] } },
  resolve: { conditions: ['@heapdiff/source'] },
  test: { include: ['assertions.bench-spec.ts'], pool: 'forks', testTimeout: 600_000, setupFiles: ['@heapdiff/core/vitest'] },
});
