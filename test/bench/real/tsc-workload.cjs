// A real workload for the benchmark snapshots: the TypeScript compiler type-checking real
// projects (pinned by the lockfile, so every run checks the same files), with every Program
// and its type checker alive when the process snapshots its own heap.
//   node tsc-workload.cjs <out.heapsnapshot|-> <project>[,<project>…]
// Projects: DevTools' front end (chrome-devtools-frontend, a test dependency: some 1,900 .ts
// files, checked with its own compiler options) by area — devtools-core-base, devtools-core,
// devtools-models, devtools-ui, devtools-panels, devtools-all, or devtools:<folder>[+<folder>…]
// — and node-modules-dts (every .d.ts file in the repository's node_modules). Several projects
// stay alive together, each a language service over one shared document registry: what
// tsserver holds with several projects open. Prints what it checked as one JSON line.
// Run on Node 22+: Node 20's V8 takes hours to snapshot a heap holding typescript.js.
'use strict';
const { readdirSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const ts = require('typescript');

const [out, projectList = 'devtools-core'] = process.argv.slice(2);
const repo = path.resolve(__dirname, '../../..');
const devtools = path.dirname(require.resolve('chrome-devtools-frontend/package.json', { paths: [path.join(repo, 'test')] }));
const frontEnd = path.join(devtools, 'front_end');

/** Files under `dir` (sorted, so every run lists the same order) that `keep` accepts. */
function walk(dir, keep, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full, keep, found);
    } else if (entry.isFile() && keep(full)) found.push(full);
  }
  return found;
}

/** DevTools' front_end/tsconfig.json, as compiler options (without its project references). */
function devtoolsOptions() {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(frontEnd, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const { composite, declaration, isolatedDeclarations, sourceMap, inlineSources, ...options } = config.options;
  return { ...options, noEmit: true, types: [], skipLibCheck: false };
}

const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.test.ts');
const projects = {
  'devtools-core': () => ({ roots: walk(path.join(frontEnd, 'core'), isSource), options: devtoolsOptions() }),
  // The platform, common and host modules of DevTools' core (71 files; 165 in the program).
  'devtools-core-base': () => ({ roots: ['platform', 'common', 'host'].flatMap((d) => walk(path.join(frontEnd, 'core', d), isSource)), options: devtoolsOptions() }),
  'devtools-models': () => ({ roots: walk(path.join(frontEnd, 'models'), isSource), options: devtoolsOptions() }),
  'devtools-ui': () => ({ roots: walk(path.join(frontEnd, 'ui'), isSource), options: devtoolsOptions() }),
  'devtools-panels': () => ({ roots: walk(path.join(frontEnd, 'panels'), isSource), options: devtoolsOptions() }),
  'devtools-all': () => ({
    roots: ['core', 'models', 'ui', 'panels', 'entrypoints', 'services', 'foundation'].flatMap((d) => walk(path.join(frontEnd, d), isSource)),
    options: devtoolsOptions(),
  }),
  'node-modules-dts': () => ({
    roots: walk(path.join(repo, 'node_modules', '.pnpm'), (f) => f.endsWith('.d.ts')),
    options: { target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, strict: true, noEmit: true, types: [], skipLibCheck: false },
  }),
};

const registry = ts.createDocumentRegistry();
const services = [];
const started = Date.now();
let files = 0;
let diagnostics = 0;
for (const name of projectList.split(',')) {
  // devtools:<folder>[+<folder>…] is any folders of the front end, e.g. devtools:models/trace.
  const folders = name.startsWith('devtools:') ? name.slice(9).split('+') : [];
  const project = folders.length > 0 ? () => ({ roots: folders.flatMap((f) => walk(path.join(frontEnd, f), isSource)), options: devtoolsOptions() }) : projects[name];
  if (!project) throw new Error(`unknown project ${name}; choose from ${Object.keys(projects).join(', ')}, devtools:<folder>`);
  const { roots, options } = project();
  const host = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => roots,
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => (ts.sys.fileExists(file) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(file)) : undefined),
    getCurrentDirectory: () => repo,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  const service = ts.createLanguageService(host, registry);
  const program = service.getProgram();
  // What an editor asks for every open file, and what `tsc --noEmit` reports.
  for (const file of roots) diagnostics += service.getSyntacticDiagnostics(file).length + service.getSemanticDiagnostics(file).length;
  diagnostics += program.getGlobalDiagnostics().length;
  files += program.getSourceFiles().length;
  services.push({ name, service, program });
  process.stderr.write(`  ${name}: ${roots.length} roots, ${program.getSourceFiles().length} files in the program, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
globalThis.languageServices = services; // the programs and checkers are what makes this heap
globalThis.gc?.();
const heapUsed = process.memoryUsage().heapUsed;
if (out !== '-') v8.writeHeapSnapshot(out);
process.stdout.write(`${JSON.stringify({ projects: services.length, files, diagnostics, heapUsed, seconds: (Date.now() - started) / 1000 })}\n`);
