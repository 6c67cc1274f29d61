/**
 * The snapshot's `strings` array, kept as the raw bytes between the quotes of each string
 * (still JSON-escaped) in one buffer. Decoding happens only for the strings somebody asks for,
 * so a snapshot with millions of strings costs its bytes and one offset per string.
 *
 * @example
 * const name = graph.strings.get(nameIndex)
 */
export class StringTable {
  readonly #bytes: Uint8Array;
  /** The same bytes as a Buffer (no copy), whose `utf8` decoding of a short string costs a tenth of a TextDecoder's. */
  readonly #buffer: Buffer;
  /** `offsets[i]..offsets[i + 1]` are the bytes of string `i`. */
  readonly #offsets: Uint32Array;
  readonly #cache = new Map<number, string>();
  /** `indexOf` answers: the analyses look the same few names up once per node they visit. */
  readonly #indexes = new Map<string, number>();
  readonly count: number;

  constructor(bytes: Uint8Array, offsets: Uint32Array, count: number) {
    this.#bytes = bytes;
    this.#buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#offsets = offsets;
    this.count = count;
  }

  /** The decoded string at `index`; throws a RangeError outside `0..count-1`. */
  get(index: number): string {
    const cached = this.#cache.get(index);
    if (cached !== undefined) return cached;
    if (!(index >= 0 && index < this.count)) {
      throw new RangeError(`string index ${index} is outside the strings table (0..${this.count - 1})`);
    }
    const value = this.#decode(index);
    if (this.#cache.size < 1_000_000) this.#cache.set(index, value);
    return value;
  }

  /** The number of raw (still escaped) bytes of string `index`. */
  byteLength(index: number): number {
    return this.#offsets[index + 1]! - this.#offsets[index]!;
  }

  /** Whether the raw bytes of string `index` start with the ASCII text `prefix`. */
  startsWith(index: number, prefix: string): boolean {
    const start = this.#offsets[index]!;
    if (this.#offsets[index + 1]! - start < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) {
      if (this.#bytes[start + i] !== prefix.charCodeAt(i)) return false;
    }
    return true;
  }

  /** The index of the first string equal to the ASCII text `text`, or -1 (remembered per text). */
  indexOf(text: string): number {
    let found = this.#indexes.get(text);
    if (found !== undefined) return found;
    found = -1;
    const length = text.length;
    const offsets = this.#offsets;
    for (let i = 0; i < this.count; i++) {
      if (offsets[i + 1]! - offsets[i]! === length && this.startsWith(i, text)) {
        found = i;
        break;
      }
    }
    if (this.#indexes.size < 10_000) this.#indexes.set(text, found);
    return found;
  }

  /**
   * Indexes of the strings whose raw bytes contain the ASCII text `part`, found with one
   * native search over the whole buffer (no decoding).
   */
  indexesContaining(part: string): number[] {
    const needle = Buffer.from(part, 'latin1');
    const haystack = this.#buffer;
    const offsets = this.#offsets;
    const found: number[] = [];
    for (let at = haystack.indexOf(needle); at >= 0; ) {
      // The string holding byte `at`: the last one starting at or before it.
      let lo = 0;
      let hi = this.count - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (offsets[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      if (at + needle.length <= offsets[lo + 1]!) found.push(lo);
      at = haystack.indexOf(needle, Math.max(at + 1, offsets[lo + 1]!));
    }
    return found;
  }

  /**
   * Finds strings among `texts` without decoding most of them: `find(index)` is the position
   * in `texts` of string `index`'s text (the first, when listed twice), or -1. A string whose
   * bytes are plain printable ASCII (no escape) is compared byte by byte with the texts as long as it;
   * only the others are decoded.
   *
   * @example const find = graph.strings.textFinder(['id', 'name']); find(nameIndex) // 1
   */
  textFinder(texts: readonly string[]): (index: number) => number {
    const byText = new Map<string, number>();
    // Texts written as they read, by a hash of their characters: the texts a plain string can equal.
    const byHash = new Map<number, number>();
    const hashOf = (text: string): number => {
      let hash = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      return hash >>> 0;
    };
    texts.forEach((text, at) => {
      if (byText.has(text)) return;
      byText.set(text, at);
      if (!/^[\x20-\x7e]*$/.test(text) || /["\\]/.test(text)) return;
      // (Two texts with one hash: the first keeps it, the other is found by decoding.)
      const hash = hashOf(text);
      if (!byHash.has(hash)) byHash.set(hash, at);
    });
    const bytes = this.#bytes;
    const offsets = this.#offsets;
    const decoded = (index: number): number => byText.get(this.get(index)) ?? -1;
    return (index) => {
      const start = offsets[index]!;
      const end = offsets[index + 1]!;
      let hash = 0x811c9dc5;
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        // Escaped, non-ASCII or a control byte: decoded.
        if (c === 0x5c || c >= 0x80 || c < 0x20) return decoded(index);
        hash = Math.imul(hash ^ c, 0x01000193);
      }
      const at = byHash.get(hash >>> 0);
      if (at === undefined) return -1;
      const text = texts[at]!;
      if (text.length !== end - start) return decoded(index);
      for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return decoded(index);
      return at;
    };
  }

  /** Total bytes held (for memory accounting). */
  get byteSize(): number {
    return this.#bytes.byteLength + this.#offsets.byteLength;
  }

  #decode(index: number): string {
    const start = this.#offsets[index]!;
    const end = this.#offsets[index + 1]!;
    // Keeps a leading U+FEFF (no byte order mark is dropped) and replaces bad UTF-8 as the
    // WHATWG decoder does (U+FFFD per maximal subpart).
    const text = this.#buffer.toString('utf8', start, end);
    // Escapes are rare; JSON.parse resolves them exactly (including surrogate pairs). A
    // backslash in the text is one in the bytes (ASCII is never part of a UTF-8 sequence).
    return text.indexOf('\\') === -1 ? text : (JSON.parse(`"${text}"`) as string);
  }
}
