import type { AnalyzeProgress, ParseProgress } from '@heapdiff/core';
import { formatBytes } from '@heapdiff/core';

/**
 * A one-line progress display for loading a snapshot, drawn on stderr only when it is a
 * terminal (never in pipes or CI logs), redrawn at most every 100 ms and erased at the end.
 */
export function createLoadProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const active = Boolean(stream.isTTY) && !process.env['CI'];
  let last = 0;
  let drawn = false;
  return {
    update(progress: ParseProgress): void {
      if (!active) return;
      const now = Date.now();
      if (progress.phase === 'parse' && now - last < 100) return;
      last = now;
      const { bytesRead, totalBytes } = progress;
      const amount = totalBytes
        ? `${Math.floor((100 * bytesRead) / totalBytes)}% (${formatBytes(bytesRead)} of ${formatBytes(totalBytes)})`
        : formatBytes(bytesRead);
      const what = progress.phase === 'parse' ? 'Loading' : 'Indexing';
      stream.write(`\r\x1b[2K${what} ${label}  ${amount}`);
      drawn = true;
    },
    analyzing(progress: AnalyzeProgress): void {
      if (!active || progress.phase === 'done') return;
      const what = { retainers: 'Building retainers', distances: 'Measuring distances', dominators: 'Computing dominators' }[progress.phase];
      stream.write(`\r\x1b[2K${what} for ${label}…`);
      drawn = true;
    },
    done(): void {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
