import { getHeapSpaceStatistics } from 'node:v8';
import { processFigures, type ProcessFigures } from '../server/memory-report.js';

/** One V8 heap space's figures, bytes. */
export interface HeapSpaceFigures {
  readonly space: string;
  readonly size: number;
  readonly used: number;
  readonly available: number;
  readonly physical: number;
}

/** Everything the metrics report about memory at one moment. */
export interface MemoryFigures extends ProcessFigures {
  readonly spaces: readonly HeapSpaceFigures[];
}

export function memoryFigures(): MemoryFigures {
  return {
    ...processFigures(),
    spaces: getHeapSpaceStatistics().map((s) => ({
      space: s.space_name,
      size: s.space_size,
      used: s.space_used_size,
      available: s.space_available_size,
      physical: s.physical_space_size,
    })),
  };
}
