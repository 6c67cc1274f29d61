import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { writeSeries } from '../helpers/snapshot-series.js';
import { CLI_SOURCE, runCli, TSX_ARGS } from '../helpers/run-cli.js';

const leaky = writeSeries('owner-children');
const quiet = writeSeries('lru');

describe('heapdiff leaks', () => {
  it('reports the leak with its path, what it retains and its live counts, and exits 1', async () => {
    const result = await runCli(['leaks', ...leaky]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^1 leak in 3 snapshots, retaining \d+\.\d\d kB:$/);
    expect(lines[2]).toMatch(/^1\. Session ×600: retains [\d.]+ kB \(shallow [\d.]+ kB\)$/);
    expect(lines[3]).toBe('   live: 1,000 → 1,300 → 1,600   leaked per round: 300, 300');
    expect(lines[4]).toMatch(/^ {3}path: .*sessions \(Array\) → \[\d+\] → Session @\d+$/);
    expect(lines[5]).toMatch(/^ {3}retains: CartItem ×1,200, /);
    expect(lines[6]).toMatch(/^ {3}defined at: scenarios\.mjs:\d+$/);
    expect(lines[7]).toMatch(new RegExp(`^   look at one: heapdiff inspect ${leaky[2]!.replace(/[.]/g, '\\.')} @\\d+$`));
  });

  it('--json: the documented fields for each leak', async () => {
    const result = await runCli(['leaks', ...leaky, '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.schema).toBe('heapdiff/leaks@1');
    expect(json.snapshots.map((s: { file: string }) => s.file)).toEqual(leaky);
    expect(json.leaks).toHaveLength(1);
    const [leak] = json.leaks;
    expect(leak).toMatchObject({ name: 'Session', count: 600, liveCounts: [1000, 1300, 1600], allocatedPerRound: [300, 300] });
    expect(leak.retainedSize).toBeGreaterThan(leak.shallowSize);
    expect(leak.retainerPath.at(-1)).toEqual({ edge: expect.stringMatching(/^\[\d+\]$/), className: 'Session', id: leak.sampleIds[0] });
    expect(leak.retainerPath.every((s: object) => Object.keys(s).join() === 'edge,className,id')).toBe(true);
    expect(leak.retains[0]).toEqual({ className: 'CartItem', count: 1200, retainedSize: expect.any(Number) });
    expect(leak.location).toMatchObject({ file: 'scenarios.mjs', line: expect.any(Number) });
  });

  it('--markdown: a table and each path', async () => {
    const result = await runCli(['leaks', ...leaky, '--markdown']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      '### 1 leak in 3 snapshots',
      '',
      '| leak | held by | count | retained | live per snapshot |',
      '| :--- | :--- | ---: | ---: | :--- |',
      expect.stringMatching(/^\| Session \|  \| 600 \| [\d.]+ kB \| 1,000 → 1,300 → 1,600 \|$/),
    ]);
  });

  it('no leak: says so and exits 0', async () => {
    const result = await runCli(['leaks', ...quiet]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No leaks: of the [\d,]+ objects allocated after the first of 3 snapshots and still alive, nothing grows\.\n/);
  });

  it('a directory stands for its snapshots, in name order (s2 before s10)', async () => {
    const dir = dirname(leaky[0]!);
    expect(readdirSync(dir).filter((name) => name.endsWith('.heapsnapshot'))).toHaveLength(3);
    const result = await runCli(['leaks', dir, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).snapshots.map((s: { file: string }) => s.file)).toEqual(leaky);
    // Eleven of them: s10 comes last, not after s1.
    const eleven = tempDir();
    const names = Array.from({ length: 11 }, (_, k) => `s${k}.heapsnapshot`);
    for (const name of names) writeFileSync(join(eleven, name), '');
    writeFileSync(join(eleven, 'app.log'), '');
    // Files only: a FIFO would wait for a writer forever, a dangling link cannot be read.
    spawnSync('mkfifo', [join(eleven, 'pipe.heapsnapshot')]);
    symlinkSync(join(eleven, 'gone'), join(eleven, 'dangling.heapsnapshot'));
    const { snapshotsIn } = await import('../../packages/cli/src/snapshot-names.js');
    expect(snapshotsIn(eleven)).toEqual(names.map((name) => join(eleven, name)));
  });

  it('--min-retained takes bytes or a size with its unit', async () => {
    const retained = (JSON.parse((await runCli(['leaks', ...leaky, '--json'])).stdout) as { leaks: { retainedSize: number }[] }).leaks[0]!.retainedSize;
    const kB = (bytes: number) => `${bytes / 1000}kB`;
    expect((await runCli(['leaks', ...leaky, '--min-retained', kB(retained)])).code).toBe(1);
    expect((await runCli(['leaks', ...leaky, '--min-retained', kB(retained + 1000)])).code).toBe(0);
    expect((await runCli(['leaks', ...leaky, '--min-retained', String(retained + 1)])).code).toBe(0);
    expect((await runCli(['leaks', ...leaky, '--min-retained', '1 MiB'])).code).toBe(retained >= 2 ** 20 ? 1 : 0);
  });

  it('--ignore and --min-count leave a leak out (exit 0)', async () => {
    expect((await runCli(['leaks', ...leaky, '--ignore', 'session'])).code).toBe(0);
    // Markdown says so too, not "nothing grows".
    expect((await runCli(['leaks', ...leaky, '--ignore', 'session', '--markdown'])).stdout).toMatch(/^### No leaks reported\n\n1 growing group left out by `--ignore`\.\n/);
    const counted = await runCli(['leaks', ...leaky, '--min-count', '601']);
    expect(counted.code).toBe(0);
    expect(counted.stdout).toMatch(/^No leaks reported: 1 growing group left out by --min-count\.\n/);
    expect((await runCli(['leaks', ...leaky, '--min-count', '600'])).code).toBe(1);
  });

  it.each([
    [['leaks', leaky[0]!, leaky[1]!], /^heapdiff: leaks needs at least 3 snapshots .*, got 2; to compare two, use "heapdiff diff \S+-0\.heapsnapshot \S+-1\.heapsnapshot" \(see "heapdiff --help"\)\n$/],
    // A missing file is named before the count it is part of.
    [['leaks', 'a.heapsnapshot'], /^heapdiff: no such file: a\.heapsnapshot\n$/],
    [['leaks', tempDir()], /^heapdiff: .* is a directory with no \.heapsnapshot files in it \(folders inside are not searched\): give snapshot files, or the directory heapdiff wrote them to/],
    [['leaks', 'x', 'y', 'z', '--min-retained', '1XB'], /^heapdiff: --min-retained takes a size: .* got "1XB"/],
    [['leaks', 'x', 'y', 'z', '--min-retained', '1MB', '--min-retained', '2MB'], /^heapdiff: --min-retained is given more than once/],
    [['leaks', 'x', 'y', 'z', '--min-retained', `1${'0'.repeat(30)}GB`], /^heapdiff: --min-retained is too big: 10+GB is more bytes than any heap holds/],
    [['leaks', 'a.heapsnapshot', 'b.heapsnapshot', 'c.heapsnapshot'], /^heapdiff: no such file: a\.heapsnapshot/],
    [['leaks', 'x', 'y', 'z', '--min-count', '-1'], /^heapdiff: --min-count must be a whole number from 0, got -1/],
    [['leaks', 'x', 'y', 'z', '--min-count', 'abc'], /^heapdiff: --min-count takes a number, got "abc"/],
    [['leaks', 'x', 'y', 'z', '--top=1x'], /^heapdiff: --top takes a number, got "1x"/],
    [['leaks'], /^heapdiff: leaks needs 3 or more snapshot files .*, or a process to take them from: --pid PID, --inspect HOST:PORT or -- node app\.js/],
    [['leaks', 'x', 'y', 'z', '--ignore'], /^heapdiff: Not enough arguments following: ignore/],
    [['leaks', 'x', 'y', 'z', '--snapshots', '5'], /^heapdiff: --snapshots is for taking snapshots/],
    [['leaks', 'x', 'y', 'z', '--allow-remote'], /^heapdiff: --allow-remote is for taking snapshots/],
    [['leaks', 'x', 'y', 'z', '--json', '--markdown'], /^heapdiff: Arguments json and markdown are mutually exclusive/],
  ])('exits 2 with one line for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a missing file among several before it loads any of them', async () => {
    // The first file is not a snapshot: loading it first would fail on that instead.
    const notASnapshot = join(tempDir(), 'notes.heapsnapshot');
    writeFileSync(notASnapshot, 'not a snapshot');
    const result = await runCli(['leaks', notASnapshot, leaky[1]!, 'gone.heapsnapshot']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('heapdiff: no such file: gone.heapsnapshot\n');
  });

  it('snapshots of two processes, or out of order: exit 2 with one line', async () => {
    const mixed = await runCli(['leaks', quiet[0]!, quiet[1]!, leaky[2]!]);
    expect(mixed.code).toBe(2);
    // Named by their files (a directory's snapshots have no numbers of their own).
    expect(mixed.stderr).toMatch(/^heapdiff: \S+lru-\S*0\.heapsnapshot \(snapshot 1\) and the last, \S+-2\.heapsnapshot \(snapshot 3\), do not share their objects .* different processes/);
    // A middle snapshot of another process too.
    const middle = await runCli(['leaks', leaky[0]!, quiet[1]!, leaky[2]!]);
    expect(middle.code).toBe(2);
    expect(middle.stderr).toMatch(/^heapdiff: \S+-1\.heapsnapshot \(snapshot 2\) (has older objects|and the last, \S+ \(snapshot 3\), do not share their objects)/);
    const reversed = await runCli(['leaks', leaky[2]!, leaky[1]!, leaky[0]!]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/^heapdiff: \S+-1\.heapsnapshot \(snapshot 2\) has older objects .* than \S+-2\.heapsnapshot \(snapshot 1\) .* oldest first/);
  });
});

describe('heapdiff diff', () => {
  it('the comparison table, biggest growth first', async () => {
    const result = await runCli(['diff', leaky[0]!, leaky[2]!, '--top', '3', '--filter', 'cart']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'class    | # new | # deleted | # delta | alloc. size | freed size | size delta',
      '======== | ===== | ========= | ======= | =========== | ========== | ==========',
      expect.stringMatching(/^CartItem \| 1,200 \|         0 \|  \+1,200 \|  +[\d.]+ kB \|        0 B \| +\+[\d.]+ kB$/),
      expect.stringMatching(/^Cart     \|   600 \|         0 \|    \+600 \|  +[\d.]+ kB \|        0 B \| +\+[\d.]+ kB$/),
      expect.stringMatching(/^[\d,]+ new objects \(.*\), [\d,]+ deleted objects \(.*\): \+[\d,]+ objects, \+[\d.]+ kB in 2 classes that changed$/),
      '',
    ]);
  });

  it('--filter that matches no class that changed says so, not an empty table', async () => {
    const result = await runCli(['diff', leaky[0]!, leaky[2]!, '--filter', 'zzz']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No class that changed has a name containing "zzz" \(in any case\), of the [\d,]+ that changed: drop --filter to list them\n$/);
  });

  it('--json with --retained: the documented fields', async () => {
    const result = await runCli(['diff', leaky[0]!, leaky[1]!, '--json', '--retained', '--sort', 'count-delta']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.schema).toBe('heapdiff/diff@1');
    expect(json.base.file).toBe(leaky[0]);
    const session = json.classes.find((c: { className: string }) => c.className === 'Session');
    expect(session).toMatchObject({ newCount: 300, deletedCount: 0, countDelta: 300, freedSize: 0, location: { file: 'scenarios.mjs' } });
    expect(session.retainedSizeDelta).toBeGreaterThan(session.sizeDelta);
    const deltas = json.classes.map((c: { countDelta: number }) => c.countDelta);
    expect(deltas).toEqual([...deltas].sort((a: number, b: number) => b - a));
  });

  it('--markdown: a table for a pull request', async () => {
    const result = await runCli(['diff', leaky[0]!, leaky[1]!, '--markdown', '--top', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### Heap comparison \(`.*-0\.heapsnapshot` → `.*-1\.heapsnapshot`\)\n\n\+[\d,]+ objects, \+[\d.]+ kB: /);
    expect(result.stdout).toMatch(/\n\| class \| # new \| # deleted \| # delta \| alloc\. size \| freed size \| size delta \|\n\| :--- \| ---: /);
  });

  it.each([
    [['diff', 'missing.heapsnapshot', 'missing.heapsnapshot'], /^heapdiff: no such file: missing\.heapsnapshot\n$/],
    [['diff', 'DIR', 'DIR'], /^heapdiff: \S+ is a directory, not a heap snapshot file: diff compares two files \(for a directory of snapshots, use "heapdiff leaks \S+"\)\n$/],
  ])('a missing file or a directory is named as such: %j', async (args, message) => {
    const dir = dirname(leaky[0]!);
    const result = await runCli(args.map((arg) => (arg === 'DIR' ? dir : arg)));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('one snapshot against itself: exit 2, not an empty table', async () => {
    const result = await runCli(['diff', leaky[1]!, leaky[1]!]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^heapdiff: .*-1\.heapsnapshot is given twice: give each snapshot once, oldest first/);
  });

  it('two processes: exit 2 with one line', async () => {
    const result = await runCli(['diff', quiet[0]!, leaky[2]!]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^heapdiff: .*different processes.*\n$/);
  });
});

describe('heapdiff leaks, taking its own snapshots', () => {
  const app = `console.log('app started'); // stdout of the program: must not reach heapdiff's stdout
class Order { constructor(i) { this.i = i; this.lines = [{ sku: 'a' + i }]; } }
const orders = [];
let i = 0;
process.on('SIGUSR2', () => { for (let k = 0; k < 200; k++) orders.push(new Order(i++)); });
setInterval(() => {}, 1000);
`;

  it('-- node app.js --interval: three snapshots of one inspector session in --dir, then the report', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    // Leaks 200 Orders every 50 ms.
    writeFileSync(file, app.replace("process.on('SIGUSR2', () => {", 'setInterval(() => {').replace('});\nsetInterval(() => {}, 1000);', '}, 50);\n'));
    // A name a shell would change, unquoted: a space, a $, quotes.
    const snaps = join(dir, "snaps $HOME 'q'");
    const result = await runCli(['leaks', '--interval', '600ms', '--dir', snaps, '--', process.execPath, file], { timeoutMs: 60_000 });
    expect(result.stderr).toMatch(/^heapdiff: taking 3 snapshots into .*snaps .*'q'.*\n/m);
    // The program's own output went to stderr: stdout is the report alone.
    expect(result.stderr).toMatch(/^app started\n/m);
    expect(result.stdout).not.toMatch(/app started/);
    // A line to paste into a shell: quoted so that the shell gives the directory back as it is.
    const again = /to look again: (heapdiff leaks .*)\n/.exec(result.stderr)![1]!;
    expect(again).toBe(`heapdiff leaks '${snaps.replace(/'/g, `'\\''`)}'`);
    const reopened = spawnSync('sh', ['-c', `heapdiff() { "$NODE" ${TSX_ARGS.join(' ')} "$CLI" "$@"; }; ${again}`], {
      encoding: 'utf8',
      env: { ...process.env, NODE: process.execPath, CLI: CLI_SOURCE },
    });
    expect([reopened.status, reopened.stderr]).toEqual([1, '']);
    expect(reopened.stdout).toBe(result.stdout);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1\. Order ×[\d,]+: retains/m);
    expect(readdirSync(snaps).sort()).toEqual(['s0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot']);
  });

  it('--track-allocations: each leak shows the stack that allocated it', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app.replace("process.on('SIGUSR2', () => {", 'setInterval(() => {').replace('});\nsetInterval(() => {}, 1000);', '}, 50);\n'));
    const result = await runCli(['leaks', '--interval', '600ms', '--track-allocations', '--dir', join(dir, 's'), '--json', '--', process.execPath, file], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    const [leak] = JSON.parse(result.stdout).leaks;
    expect(leak.name).toBe('Order');
    // The Orders are made on line 5, in the interval's callback.
    expect(leak.allocationStacks[0].frames[0]).toMatchObject({ functionName: '(anonymous)', line: 5 });
    expect(leak.allocationStacks[0].frames[0].scriptName).toMatch(/app\.js$/);
  });

  it('--ignore before the files takes one value: the files stay files', async () => {
    const result = await runCli(['leaks', '--ignore', 'Nothing', ...leaky]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 leak in 3 snapshots/);
  });

  it('--track-allocations: the stacks are the leak roots\' only, each once (not the Map keys the group also keeps)', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(
      file,
      [
        'class UserProfile { constructor(id) { this.id = id; } }',
        'const profileCache = new Map();',
        'let i = 0;',
        "setInterval(() => { for (let k = 0; k < 200; k++) { const key = 'user:' + i++; profileCache.set(key, new UserProfile(key)); } }, 50);",
      ].join('\n'),
    );
    const result = await runCli(['leaks', '--interval', '600ms', '--track-allocations', '--dir', join(dir, 's'), '--json', '--', process.execPath, file], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    const [leak] = JSON.parse(result.stdout).leaks as { name: string; count: number; allocationStacks: { count: number; frames: { line: number }[] }[] }[];
    expect(leak!.name).toBe('UserProfile');
    const stacks = leak!.allocationStacks;
    expect(stacks[0]!.frames[0]).toMatchObject({ line: 4 });
    expect(new Set(stacks.map((stack) => JSON.stringify(stack.frames))).size).toBe(stacks.length);
    expect(stacks.reduce((sum, stack) => sum + stack.count, 0)).toBeLessThanOrEqual(leak!.count);
  });

  it("--between drives the load (HEAPDIFF_PID is the process) and --snapshots 4", async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app);
    const signal = `"${process.execPath}" -e "process.kill(Number(process.env.HEAPDIFF_PID), 'SIGUSR2'); setTimeout(() => {}, 300)"`;
    const result = await runCli(['leaks', '--snapshots', '4', '--between', signal, '--dir', join(dir, 's'), '--json', '--', process.execPath, file], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.leaks.map((l: { name: string; count: number }) => [l.name, l.count])).toEqual([['Order', 600]]);
    expect(json.leaks[0].liveCounts).toEqual([0, 200, 400, 600]);
  });

  it('a program heapdiff starts gets its start-up before the first snapshot when --between drives it: the load finds the server listening', async () => {
    const dir = tempDir();
    const file = join(dir, 'server.js');
    const portFile = join(dir, 'port');
    writeFileSync(
      file,
      [
        "const http = require('node:http');",
        'class Boot {}',
        'const boot = [];',
        'for (let i = 0; i < 300; i++) boot.push(new Boot());',
        'class Order {}',
        'const orders = [];',
        // A slow start: the port is known only half a second in.
        'const start = Date.now();',
        'while (Date.now() - start < 500);',
        'http.createServer((req, res) => { for (let i = 0; i < 200; i++) orders.push(new Order()); res.end("ok"); })',
        `  .listen(0, '127.0.0.1', function () { require('node:fs').writeFileSync(${JSON.stringify(portFile)}, String(this.address().port)); });`,
      ].join('\n'),
    );
    const load = `"${process.execPath}" -e "fetch('http://127.0.0.1:' + require('node:fs').readFileSync(${JSON.stringify(portFile).replace(/"/g, "'")}, 'utf8')).then((r) => r.text())"`;
    const result = await runCli(['leaks', '--between', load, '--dir', join(dir, 's'), '--json', '--', process.execPath, file], { timeoutMs: 60_000 });
    expect(result.stderr).toContain('heapdiff: waiting 1 s for the program to start');
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.leaks.map((l: { name: string; count: number }) => [l.name, l.count])).toEqual([['Order', 400]]);
    expect(json.leaks[0].liveCounts).toEqual([0, 200, 400]);
    // The start-up's own objects are in the baseline, not new.
    expect(JSON.stringify(json.bounded)).not.toContain('"Boot"');
  });

  it('--snapshots 11: files s00 … s10, listed in order by a glob, and their directory reopens them', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app.replace("process.on('SIGUSR2', () => {", 'setInterval(() => {').replace('});\nsetInterval(() => {}, 1000);', '}, 20);\n'));
    const snaps = join(dir, 'snaps');
    const result = await runCli(['leaks', '--snapshots', '11', '--interval', '100ms', '--dir', snaps, '--json', '--', process.execPath, file], { timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    const names = Array.from({ length: 11 }, (_, k) => `s${String(k).padStart(2, '0')}.heapsnapshot`);
    expect(readdirSync(snaps).sort()).toEqual(names);
    expect(result.stderr).toContain(`to look again: heapdiff leaks ${snaps}\n`);
    const again = await runCli(['leaks', snaps, '--json']);
    expect(again.code).toBe(1);
    const json = JSON.parse(again.stdout);
    expect(json.snapshots.map((s: { file: string }) => s.file)).toEqual(names.map((name) => join(snaps, name)));
    expect(json.leaks).toEqual(JSON.parse(result.stdout).leaks);
  });

  it.each([
    [['leaks', '--snapshots', '2', '--', 'node', 'app.js'], /^heapdiff: --snapshots must be a whole number from 3 to 1000, got 2/],
    [['leaks', '--interval', '30d', '--', 'node', 'app.js'], /^heapdiff: --interval takes a duration such as 30s, 500ms, 2m or 1h \(a bare number is ms\), got "30d"/],
    [['leaks', '--interval', '1000h', '--', 'node', 'app.js'], /^heapdiff: --interval can be at most 2147483647 ms/],
    [['leaks', '--', 'node', '--inspect-brk', 'app.js'], /^heapdiff: leave out --inspect-brk: heapdiff starts the program with its own inspector/],
    [['leaks', 'a', 'b', 'c', '--ignore', ''], /^heapdiff: --ignore needs a class name/],
    [['leaks', '--interval', 'soon', '--', 'node', 'app.js'], /^heapdiff: --interval takes a duration such as 30s, 500ms, 2m or 1h \(a bare number is ms\), got "soon"/],
    [['leaks', 'a', 'b', 'c', '--pid', '1'], /^heapdiff: give snapshot files, or one of --inspect HOST:PORT, --pid PID, -- node app.js to take them/],
    [['leaks', '--', 'python3', 'app.py'], /^heapdiff: the program to start must be node/],
    [['leaks', 'a', 'b', 'c', '--track-allocations'], /^heapdiff: --track-allocations is for taking snapshots/],
    [['leaks', '--between', '  ', '--', 'node', 'app.js'], /^heapdiff: --between needs a command/],
    [['leaks', '--dir', '', '--', 'node', 'app.js'], /^heapdiff: --dir needs a directory name/],
    // (Before the program starts: app.js does not exist, and that is not what is said.)
    [['leaks', '--dir', '/proc/heapdiff-none/s', '--', 'node', 'app.js'], /^heapdiff: cannot create the directory \/proc\/heapdiff-none\/s: /],
  ])('exits 2 with one line for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a program that ends before the series is complete: exit 2, saying so', async () => {
    const dir = tempDir();
    const file = join(dir, 'early.js');
    writeFileSync(file, 'const keep = []; setInterval(() => keep.push({}), 10); setTimeout(() => process.exit(7), 900);\n');
    const result = await runCli(['leaks', '--interval', '600ms', '--dir', join(dir, 's'), '--', process.execPath, file], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    // Its exit code, once the inspector has let it go (before snapshot 2 as a rule; on a busy machine the start alone may take 900 ms).
    expect(result.stderr).toMatch(/heapdiff: the program exited \(code 7\) before snapshot [12] of 3 was taken( \(1 of 3 snapshots kept in \S+\))?\n$/);
    // The directory is made with the first snapshot: absent when the program ended before it.
    const written = existsSync(join(dir, 's')) ? readdirSync(join(dir, 's')) : [];
    expect(written.filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('--dir that is a file, or already holds snapshots: exit 2 before any snapshot, the program stopped', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app);
    writeFileSync(join(dir, 'taken'), 'x');
    const onFile = await runCli(['leaks', '--interval', '100ms', '--dir', join(dir, 'taken'), '--', process.execPath, file]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/^heapdiff: --dir .*taken is a file, not a directory: name a new or empty directory\n$/);
    writeFileSync(join(dir, 's1.heapsnapshot'), 'keep me');
    const taken = await runCli(['leaks', '--interval', '100ms', '--dir', dir, '--', process.execPath, file]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/already holds snapshots \(s1\.heapsnapshot\)/);
    expect(readFileSync(join(dir, 's1.heapsnapshot'), 'utf8')).toBe('keep me');
    // Any snapshot, by any name: "heapdiff leaks DIR" would read it with the series.
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'before.heapsnapshot.gz'), 'x');
    const named = await runCli(['leaks', '--interval', '100ms', '--dir', other, '--', process.execPath, file]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/already holds snapshots \(before\.heapsnapshot\.gz\)/);
  });

  it('SIGTERM mid-series: the program stopped, no partial file, exit 143', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app.replace("console.log('app started');", "require('node:fs').writeFileSync(process.argv[2], String(process.pid));"));
    const pidFile = join(dir, 'pid');
    const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, 'leaks', '--interval', '2s', '--dir', join(dir, 's'), '--', process.execPath, file, pidFile], { stdio: 'ignore' });
    const started = Date.now();
    while (!existsSync(join(dir, 's', 's0.heapsnapshot')) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    // The program is gone (or a zombie: dead, waiting for a parent that no longer exists to reap it).
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone';
    expect(['gone', 'Z']).toContain(state);
    expect(readdirSync(join(dir, 's'))).toEqual(['s0.heapsnapshot']);
  });

  it('a --between command that fails stops the series and the program: exit 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.js');
    writeFileSync(file, app);
    const result = await runCli(['leaks', '--between', 'exit 3', '--dir', join(dir, 's'), '--', process.execPath, file], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    // (The snapshot taken before it stays, and the line says where.)
    expect(result.stderr).toMatch(/heapdiff: the --between command failed \(exit 3\): exit 3 \(1 of 3 snapshots kept in \S+\/s\)\n$/);
  });
});
