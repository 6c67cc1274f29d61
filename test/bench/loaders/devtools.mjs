// Benchmark child: DevTools' HeapSnapshotLoader (the parse DevTools does before analysing),
// from the bundle test/helpers/devtools builds. argv: <bundle> <file>
import { createReadStream } from 'node:fs';

const [bundle, file] = process.argv.slice(2);
const { HeapSnapshotLoader } = await import(bundle);
const loader = new HeapSnapshotLoader(undefined);
for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.write(chunk);
loader.close();
await loader.parsingComplete;
process.send?.({ maxRssKb: process.resourceUsage().maxRSS });
