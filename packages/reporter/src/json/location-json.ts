import type { SourceLocation } from '@heapdiff/core';

/** Where a class's constructor is defined (1-based line and column, as editors count). */
export interface LocationJson {
  file: string;
  url: string;
  line: number;
  column: number;
  scriptId: number;
}

/** A location in JSON: lines and columns 1-based (V8's are 0-based). */
export function toLocationJson(at: SourceLocation): LocationJson {
  return { file: at.file, url: at.url, line: at.line + 1, column: at.column + 1, scriptId: at.scriptId };
}
