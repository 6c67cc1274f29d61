// Benchmark child: @memlab/core's snapshot load (utils.getSnapshotFromFile).
const memlab = require('@memlab/core');

memlab.config.muteConsole = true;
memlab.utils
  .getSnapshotFromFile(process.argv[2], { buildNodeIdIndex: true, verbose: false })
  .then((snapshot) => process.send?.({ nodes: snapshot.nodes.length, maxRssKb: process.resourceUsage().maxRSS }))
  .catch((error) => {
    console.error(String(error && error.message));
    process.exit(1);
  });
