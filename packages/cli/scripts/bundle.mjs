// `pnpm build` (after `tsc -b`): bundles the compiled CLI (dist/) into bundle/, the files
// bin/heapdiff.js runs. Node resolves and reads ~250 modules for an unbundled start; the
// bundle is one entry file plus a chunk per lazily loaded part (the analyses, the UI, capture),
// so that `heapdiff --help` pays only for yargs and the command list.
//   node packages/cli/scripts/bundle.mjs
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('..', import.meta.url));

/**
 * yargs measures its help text with string-width 8, whose module builds Unicode property
 * regexps (`\p{RGI_Emoji}`) and an `Intl.Segmenter` when it loads: 40 ms, on every start,
 * for text that is ASCII. Inside yargs, string-width is this stand-in: ASCII is measured
 * by its length, anything else by the real module, loaded on first use.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      /[\\/]node_modules[\\/]/.test(args.importer) && args.pluginData !== 'real'
        ? { path: 'lazy-string-width', namespace: 'heapdiff', pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'heapdiff' }, (args) => ({
      resolveDir: args.pluginData,
      loader: 'js',
      contents: `
        let real;
        const printableAscii = /^[\\x20-\\x7e]*$/;
        export default function stringWidth(text, options) {
          if (typeof text === 'string' && printableAscii.test(text)) return text.length;
          real ??= require('string-width').default;
          return real(text, options);
        }`,
    }));
    // The stand-in's own require of the real module.
    b.onResolve({ filter: /^string-width$/, namespace: 'heapdiff' }, async (args) => {
      const resolved = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: 'require-call', pluginData: 'real' });
      return { path: resolved.path };
    });
  },
};

/**
 * yargs guesses a default version at start-up by looking for a package.json upwards from its
 * "main file name": the folder above the `node_modules` its shim sits in, which a bundle does
 * not have, so it started from the working directory — reading every directory up to one with
 * a package.json (17 ms from /tmp here), and a user's package.json when it found one. In the
 * bundle it starts from this package's folder, where ours is.
 */
const yargsMainFilename = {
  name: 'yargs-main-filename',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const from = "const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));";
      if (!source.includes(from)) throw new Error(`bundle: yargs' shim (${args.path}) no longer computes mainFilename as expected; look again at the yargs-main-filename plugin`);
      // bundle/heapdiff.js sits one level below the package.
      return { contents: source.replace(from, "const mainFilename = fileURLToPath(new URL('..', import.meta.url));"), loader: 'js' };
    });
  },
};

rmSync(`${cli}/bundle`, { recursive: true, force: true });
await build({
  entryPoints: { heapdiff: `${cli}/dist/bin.js`, 'huge-pages': `${cli}/dist/huge-pages.js` },
  outdir: `${cli}/bundle`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The UI's libraries load only for `heapdiff ui`, from node_modules as they are published.
  external: ['ink', 'react', 'react/*'],
  plugins: [lazyStringWidth, yargsMainFilename],
  sourcemap: 'linked',
  logLevel: 'warning',
  // ESM output that still meets CommonJS inside (ws, yargs-parser): a require for it.
  banner: { js: "import { createRequire as __heapdiffRequire } from 'node:module'; const require = __heapdiffRequire(import.meta.url);" },
});
