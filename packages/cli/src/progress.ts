import type { AnalyzeProgress, ParseProgress } from '@heapdiff/core';
import { formatBytes } from '@heapdiff/core';
import { printable } from '@heapdiff/reporter';

/**
 * A one-line progress display for loading a snapshot, drawn on stderr only when it is a
 * terminal (never in pipes or CI logs), redrawn at most every 100 ms and erased at the end.
 * With `sink`, each text goes there instead (whatever stderr is).
 */
export function createLoadProgress(rawLabel: string, stream: NodeJS.WriteStream = process.stderr, sink?: (text: string) => void) {
  // A file name is shown, never obeyed: escape sequences in it are written out.
  const label = printable(rawLabel);
  const active = sink !== undefined || (Boolean(stream.isTTY) && !process.env['CI']);
  let last = 0;
  let drawn = false;
  const write = (text: string): void => {
    if (sink) sink(text);
    else stream.write(`\r\x1b[2K${text}`);
  };
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
      write(`${what} ${label}  ${amount}`);
      drawn = true;
    },
    analyzing(progress: AnalyzeProgress): void {
      if (!active || progress.phase === 'done') return;
      const what = { retainers: 'Building retainers', distances: 'Measuring distances', dominators: 'Computing dominators' }[progress.phase];
      write(`${what} for ${label}…`);
      drawn = true;
    },
    done(): void {
      if (drawn && !sink) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
