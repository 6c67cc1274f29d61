import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * `locales.js` is generated when DevTools is built; the npm package ships only its types.
 * The heap snapshot worker needs it just to format progress strings, so English is enough.
 */
const localesStub: Plugin = {
  name: 'devtools-locales-stub',
  setup(build) {
    build.onResolve({ filter: /^\.\/locales\.js$/ }, (args) =>
      args.importer.includes(`${join('core', 'i18n')}`) ? { path: 'devtools-locales', namespace: 'stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: `export const LOCALES = ['en-US']; export const BUNDLED_LOCALES = ['en-US'];
export const DEFAULT_LOCALE = 'en-US'; export const REMOTE_FETCH_PATTERN = ''; export const LOCAL_FETCH_PATTERN = '';`,
      loader: 'js',
    }));
  },
};

/**
 * Bundles DevTools' heap snapshot worker (chrome-devtools-frontend, a dev dependency) into
 * Node ESM files under the OS temp dir, once per package version, and returns their paths:
 * `loader` (HeapSnapshotLoader + JSHeapSnapshot) and `secondary` (the second init thread).
 */
export async function buildDevToolsLoader(): Promise<{ loader: string; secondary: string }> {
  const pkg = require('chrome-devtools-frontend/package.json') as { version: string };
  const dir = join(tmpdir(), `heapdiff-devtools-${pkg.version}`);
  const loader = join(dir, 'devtools-loader.mjs');
  const secondary = join(dir, 'devtools-secondary.mjs');
  const sources = [join(here, 'devtools-entry.ts'), join(here, 'devtools-secondary-entry.ts'), fileURLToPath(import.meta.url)];
  const fresh = (out: string) => existsSync(out) && sources.every((src) => statSync(src).mtimeMs < statSync(out).mtimeMs);
  if (fresh(loader) && fresh(secondary)) return { loader, secondary };
  mkdirSync(dir, { recursive: true });
  const { build } = await import('esbuild');
  const common = {
    bundle: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: 'node20',
    plugins: [localesStub],
    logLevel: 'error' as const,
    // DevTools targets current Chrome; Node 20 lacks Promise.withResolvers (Node 22 has it).
    banner: {
      js: `if (!Promise.withResolvers) Promise.withResolvers = function () { let resolve, reject; const promise = new this((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };`,
    },
    // The package's TypeScript is compiled as is; its tsconfig is not shipped.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
  };
  await build({ ...common, entryPoints: [sources[0]!], outfile: loader });
  await build({ ...common, entryPoints: [sources[1]!], outfile: secondary });
  return { loader, secondary };
}
