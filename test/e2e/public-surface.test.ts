import { describe, expect, it } from 'vitest';

// The public surface of every package entry, pinned: a change to what a package offers shows
// up here as a visible diff in review. (Types are not listed: they leave no runtime trace.)
/** What `@heapdiff/core/errors` exports; the main entry exports the same, among the rest. */
const ERROR_EXPORTS = [
  'AbortedError',
  'CaptureError',
  'ERROR_CODES',
  'HeapDumpRefusedError',
  'HeapdiffError',
  'InputReadError',
  'InvalidOptionError',
  'MemoryLimitError',
  'NodeNotFoundError',
  'PressureHandlerError',
  'SnapshotEncodingError',
  'SnapshotError',
  'SnapshotFormatError',
  'SnapshotInconsistentError',
  'SnapshotTooLargeError',
  'SnapshotTruncatedError',
  'SnapshotsUnrelatedError',
  'UsageError',
];

describe('public surface', () => {
  it('@heapdiff/core/errors: the error classes alone (the CLI starts without loading the engine), the same classes as the main entry', async () => {
    const errors = await import('@heapdiff/core/errors');
    const core = (await import('@heapdiff/core')) as Record<string, unknown>;
    const names = Object.keys(errors).sort();
    expect(names).toEqual(ERROR_EXPORTS);
    for (const name of names) expect(core[name], name).toBe((errors as Record<string, unknown>)[name]);
  });

  it('@heapdiff/core: load, graph, analyses, summaries, comparisons, errors', async () => {
    expect(Object.keys(await import('@heapdiff/core')).sort()).toEqual(
      [
        ...ERROR_EXPORTS,
        'BASE_SYSTEM_DISTANCE',
        'EDGE_FIELDS',
        'EDGE_TO_NODE',
        'EDGE_TYPE_NAME',
        'NO_DISTANCE',
        'allocationStackReader',
        'analyzeGraph',
        'classKeys',
        'classMembers',
        'counted',
        'describeNode',
        'diffSnapshots',
        'dominatedChildren',
        'dominatorChain',
        'dominatorTree',
        'edgeLabel',
        'findLeaks',
        'formatBytes',
        'formatCount',
        'formatRetainerPath',
        'makeDirectory',
        'nodeDistances',
        'nodeLabel',
        'noun',
        'parseSnapshot',
        'prepareLeaks',
        'relativeHeap',
        'retainerPath',
        'shallowSizes',
        'summarizeClasses',
        'summarizeNode',
        'takeCensus',
        'topAllocationStacks',
        'viewDiff',
        'viewSummary',
      ].sort(),
    );
  });

  it('@heapdiff/core/capture: snapshots, marks, remote capture', async () => {
    expect(Object.keys(await import('@heapdiff/core/capture')).sort()).toEqual([
      'CaptureError',
      'RemoteHeapSession',
      'activateInspector',
      'captureRemoteSnapshot',
      'inspectorWebSocketUrl',
      'isLoopbackHost',
      'markHeap',
      'takeSnapshot',
      'writeSnapshot',
    ]);
  });

  it('@heapdiff/core/runtime: the runtime memory kit', async () => {
    expect(Object.keys(await import('@heapdiff/core/runtime')).sort()).toEqual([
      'DEFAULT_MEMORY_LIMIT',
      'GB',
      'HeapDumpRefusedError',
      'InvalidOptionError',
      'KB',
      'MB',
      'MemoryLimitError',
      'MemoryPressureManager',
      'PressureHandlerError',
      'all',
      'any',
      'availableBelow',
      'availableBelowFraction',
      'checkMemory',
      'collectGarbage',
      'createMemoryMonitor',
      'custom',
      'forceGc',
      'heapAboveFraction',
      'heapDump',
      'heapDumpName',
      'memoryWatcher',
      'not',
      'printMemory',
      'readMemoryReadings',
      'rssAbove',
      'rssAboveFraction',
      'setMemoryLimit',
      'setOut',
      'setVerbose',
    ]);
  });

  it('@heapdiff/core/assert: leak assertions for any test runner', async () => {
    expect(Object.keys(await import('@heapdiff/core/assert')).sort()).toEqual([
      'assertCollected',
      'assertNoLeak',
      'checkForLeaks',
      'describeLeaks',
      'isCollected',
      'retainedSizeOf',
      'trackCollection',
      'whyAlive',
    ]);
  });

  it('@heapdiff/core/vitest: the matchers (registered on import) and what they take', async () => {
    expect(Object.keys(await import('@heapdiff/core/vitest')).sort()).toEqual(['retainedSizeOf', 'trackCollection']);
  });

  it('@heapdiff/core/server, /prometheus, /opentelemetry: the memory endpoint and the metrics', async () => {
    expect(Object.keys(await import('@heapdiff/core/server')).sort()).toEqual(['memoryEndpoint']);
    expect(Object.keys(await import('@heapdiff/core/prometheus')).sort()).toEqual(['registerMemoryMetrics']);
    expect(Object.keys(await import('@heapdiff/core/opentelemetry')).sort()).toEqual(['registerMemoryInstruments']);
  });

  it('@heapdiff/reporter: text, JSON and Markdown renderers', async () => {
    expect(Object.keys(await import('@heapdiff/reporter')).sort()).toEqual([
      'DIFF_JSON_SCHEMA',
      'INSPECT_JSON_SCHEMA',
      'INSTANCES_JSON_SCHEMA',
      'LEAKS_JSON_SCHEMA',
      'SUMMARY_JSON_SCHEMA',
      'classLabels',
      'distanceCell',
      'formatFrame',
      'objectLabel',
      'printable',
      'renderDiffMarkdown',
      'renderDiffText',
      'renderInstancesText',
      'renderLeaksMarkdown',
      'renderLeaksText',
      'renderNodeText',
      'renderRelativeHeapText',
      'renderSummaryText',
      'renderTable',
      'shellWord',
      'toDiffJson',
      'toInspectJson',
      'toInstancesJson',
      'toLeaksJson',
      'toSummaryJson',
    ]);
  });

  it('@heapdiff/cli: the command as a function', async () => {
    expect(Object.keys(await import('@heapdiff/cli')).sort()).toEqual(['runCli']);
  });

  it('@heapdiff/cli/ui: the terminal UI’s parts (app, state machine, data)', async () => {
    expect(Object.keys(await import('@heapdiff/cli/ui')).sort()).toEqual([
      'App',
      'ComparisonModel',
      'LeaksModel',
      'LiveSession',
      'SORT_KEYS',
      'SnapshotModel',
      'ViewRows',
      'currentView',
      'filters',
      'fit',
      'initialState',
      'keyAction',
      'loadUiData',
      'newView',
      'nodeDetailLines',
      'pageSize',
      'reduce',
      'sparkline',
      'tabsOf',
    ]);
  });
});
