/** ANSI colours for text reports, used only when asked (the CLI asks on a terminal without NO_COLOR). */
export interface Paint {
  red(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** Colours on, or every function returning its text as is. */
export function paint(enabled: boolean): Paint {
  if (!enabled) {
    const plain = (text: string) => text;
    return { red: plain, green: plain, bold: plain, dim: plain };
  }
  return { red: wrap(31, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
