// Preloaded (--import) into a program the benchmark runs as is, such as the built heapdiff
// CLI: once the program is done (its event loop empty), reports its peak RSS to measure(),
// over IPC when it has a channel, else on stderr in one line (measure.ts's REPORT_PREFIX).
// A program that calls process.exit() reports from 'exit'.
import { writeSync } from 'node:fs';

let sent = false;
const report = () => {
  if (sent) return;
  sent = true;
  const message = { maxRssKb: process.resourceUsage().maxRSS, exitCode: process.exitCode ?? 0 };
  if (process.send) process.send(message);
  else writeSync(2, `\n@heapdiff-bench-report ${JSON.stringify(message)}\n`);
};
process.on('beforeExit', report);
process.on('exit', report);
