// Preloaded (--import) into a program the benchmark runs as is, such as the built heapdiff
// CLI: once the program is done (its event loop empty), reports its peak RSS to measure()
// over IPC, as the loaders do. A program that calls process.exit() reports from 'exit'.
let sent = false;
const report = () => {
  if (sent || !process.send) return;
  sent = true;
  process.send({ maxRssKb: process.resourceUsage().maxRSS, exitCode: process.exitCode ?? 0 });
};
process.on('beforeExit', report);
process.on('exit', report);
