import type { NodeSummary, SourceLocation } from '@heapdiff/core';

/**
 * The biggest objects of one class (`heapdiff summary FILE --instances CLASS`), or of every
 * class of that name when same-named constructors come from different scripts: what the text
 * and JSON renderers of an instance list take.
 */
export interface InstanceList {
  /** The class name asked for. */
  readonly className: string;
  /** The classes listed, as the summary has them: one, or several of the same name. */
  readonly classes: readonly { readonly className: string; readonly location?: SourceLocation; readonly count: number; readonly selfSize: number }[];
  /** The objects shown, biggest retained size first (cut to --top). */
  readonly objects: readonly InstanceListObject[];
}

/** One object of an instance list. */
export interface InstanceListObject extends NodeSummary {
  /** Edges from the GC roots as `describeNode` gives it: ≥ 100,000,000 held by the engine only; negative: unreachable. */
  readonly distance: number;
  /** Its class: an index into `InstanceList.classes`. */
  readonly classIndex: number;
}
