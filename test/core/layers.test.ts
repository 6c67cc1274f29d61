import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The floor plan of @heapdiff/core, bottom up: a folder may import from its own folder and
// from folders below it, never from one above (so there are no cycles between folders).
// `kernels/` is the leaf: self-contained functions that also run on worker threads.
const LAYERS = [
  ['errors.ts', 'format', 'files'],
  ['kernels'],
  ['workers'],
  ['parser'],
  ['graph'],
  ['analysis'],
  ['load'],
  ['diff'],
  ['leaks'],
  ['capture'],
  ['runtime'],
  ['testing'],
  ['server'],
  ['metrics'],
] as const;

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const coreSrc = join(root, 'packages/core/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or with `import()`. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

/** The top-level folder (or root file) of a path inside core/src. */
function room(path: string): string {
  return relative(coreSrc, path).split('/')[0]!.replace(/\.js$/, '.ts');
}

function layerOf(name: string): number {
  return LAYERS.findIndex((layer) => (layer as readonly string[]).includes(name));
}

describe('the floor plan', () => {
  it('core: every folder imports only from its own layer or below', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(coreSrc)) {
      const from = room(file);
      // The root index.ts is the public entry: it may list anything.
      if (from === 'index.ts') continue;
      expect(layerOf(from), `${from} is not in the floor plan of layers.test.ts`).toBeGreaterThanOrEqual(0);
      for (const spec of specifiers(file)) {
        if (!spec.startsWith('.')) continue;
        const to = room(resolve(dirname(file), spec));
        if (to !== from && layerOf(to) > layerOf(from)) wrong.push(`${relative(coreSrc, file)} imports ${spec} (${from} → ${to})`);
        if (layerOf(to) < 0) wrong.push(`${relative(coreSrc, file)} imports ${spec}, outside the floor plan`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('kernels import nothing: they are serialised into worker threads', () => {
    const imports = sourceFiles(join(coreSrc, 'kernels')).flatMap((file) => specifiers(file).map((spec) => `${relative(coreSrc, file)}: ${spec}`));
    expect(imports).toEqual([]);
  });

  it('the worker pool imports only the kernels', () => {
    const imports = sourceFiles(join(coreSrc, 'workers')).flatMap((file) =>
      specifiers(file)
        .filter((spec) => spec.startsWith('.') && room(resolve(dirname(file), spec)) !== 'workers' && room(resolve(dirname(file), spec)) !== 'kernels')
        .map((spec) => `${relative(coreSrc, file)}: ${spec}`),
    );
    expect(imports).toEqual([]);
  });

  it('packages import one another only through their public entry points', () => {
    const entries = new Map<string, string[]>();
    for (const name of ['core', 'reporter', 'cli']) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
      entries.set(manifest.name, Object.keys(manifest.exports).map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`)));
    }
    const wrong: string[] = [];
    for (const name of ['core', 'reporter', 'cli']) {
      const dir = join(root, 'packages', name, 'src');
      for (const file of sourceFiles(dir)) {
        for (const spec of specifiers(file)) {
          if (spec.startsWith('.')) {
            if (!resolve(dirname(file), spec).startsWith(dir)) wrong.push(`${relative(root, file)} reaches outside its package: ${spec}`);
            continue;
          }
          if (!spec.startsWith('@heapdiff/')) continue;
          const allowed = [...entries.values()].flat();
          if (!allowed.includes(spec)) wrong.push(`${relative(root, file)} imports ${spec}, not a public entry`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
