// Benchmark child: @memlab/core's load and its path-finder preparation (distances, dominators).
const memlab = require('@memlab/core');

memlab.config.muteConsole = true;
(async () => {
  const snapshot = await memlab.utils.getSnapshotFromFile(process.argv[2], { buildNodeIdIndex: true, verbose: false });
  memlab.analysis.preparePathFinder(snapshot);
  let root;
  snapshot.nodes.forEach((node) => {
    if (root === undefined && node.id === 1) root = node;
  });
  process.send?.({ rootRetained: root && root.retainedSize, maxRssKb: process.resourceUsage().maxRSS });
})().catch((error) => {
  console.error(String(error && error.message));
  process.exit(1);
});
