/**
 * The names a mistyped `word` probably meant, closest first: those a few edits away (more
 * allowed for longer words) and those that start with it, ignoring case. For "did you mean"
 * on commands, options and class names.
 *
 * @example closeNames('summry', ['summary', 'diff', 'inspect']) // ['summary']
 */
export function closeNames(word: string, names: Iterable<string>, max = 5): string[] {
  const wanted = word.toLowerCase();
  const allowed = wanted.length <= 3 ? 1 : wanted.length <= 6 ? 2 : 3;
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(names)) {
    const lower = name.toLowerCase();
    if (name === word) continue;
    // A prefix of three letters or more names what it starts (`Sess` → `Session`) however long the rest.
    const score = wanted.length >= 3 && lower.startsWith(wanted) ? 0.5 : editDistance(wanted, lower, allowed);
    if (score <= allowed) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

/** Levenshtein distance, or `limit + 1` as soon as it is known to exceed `limit` (class lists run to thousands). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`: the names as a "did you mean" lists them. */
export function orList(names: readonly string[], quote: (name: string) => string = (name) => JSON.stringify(name)): string {
  const quoted = names.map(quote);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}
