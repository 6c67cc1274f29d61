/** Everything `nameKeysKernel` needs besides the arrays, all plain numbers. */
export interface NameKeysParams {
  nodeCount: number;
  nodeFieldCount: number;
  typeOffset: number;
  nameOffset: number;
  /** Nodes of this type and this name (plain objects: `object`, `Object`) get a key but no value in `keyOf`; -1 for none. */
  skipType: number;
  skipName: number;
}

/**
 * The class keys by name, in one pass over the nodes: a node's class is `byType[type]` when its
 * type decides it, else its detached class (`detachedByString[name]`, when `detached[n]` is 2
 * and that is not -1), else `byString[name]`. Keys are numbered in the order of first use, one
 * per class reached by type and one per class reached by name (`code`: class × 2, plus 1 by
 * type): `keyOfCode[code]` (all -1 at first) gets the key, `codeOfKey[key]` the code, and
 * `keyOf[n]` each node's key. Returns the number of keys.
 *
 * Self-contained — no imports, closures or helpers — and small, so that V8 optimises it within
 * the first few thousand nodes (a loop inside a big function runs far longer before it is).
 */
export function nameKeysKernel(
  nodes: Uint32Array,
  p: NameKeysParams,
  byType: Int32Array,
  byString: Int32Array,
  detached: Uint8Array,
  detachedByString: Int32Array,
  keyOfCode: Int32Array,
  codeOfKey: Int32Array,
  keyOf: Uint32Array,
): number {
  const fields = p.nodeFieldCount;
  const typeAt = p.typeOffset;
  const nameAt = p.nameOffset;
  const skipType = p.skipType;
  const skipName = p.skipName;
  const hasDetached = detached.length > 0;
  let count = 0;
  for (let n = 0, base = 0; n < p.nodeCount; n++, base += fields) {
    const type = nodes[base + typeAt]!;
    const fixed = byType[type]!;
    let code: number;
    let skip = false;
    if (fixed >= 0) code = fixed * 2 + 1;
    else {
      const name = nodes[base + nameAt]!;
      let c = hasDetached && detached[n] === 2 ? detachedByString[name]! : -1;
      if (c < 0) c = byString[name]!;
      code = c * 2;
      skip = name === skipName && type === skipType;
    }
    let key = keyOfCode[code]!;
    if (key < 0) {
      key = keyOfCode[code] = count;
      codeOfKey[count++] = code;
    }
    if (!skip) keyOf[n] = key;
  }
  return count;
}

/** Everything `locatedKeysKernel` needs besides the arrays, all plain numbers. */
export interface LocatedKeysParams {
  /** Values per record of `locations`, and where its fields are. */
  stride: number;
  objectAt: number;
  scriptAt: number;
  lineAt: number;
  columnAt: number;
  /** Values per node in the file (`object_index` counts them), and in `nodes`. */
  fileNodeFields: number;
  nodeFieldCount: number;
  typeOffset: number;
  /** Only objects of this type are keyed by their constructor's location. */
  objectType: number;
  /** The number the first new key takes. */
  firstKey: number;
}

/**
 * Objects whose constructor has a location get a key per (class key, script, line, column):
 * `keyOf[n]` becomes `firstKey` + the number of its place, numbered in the order of first use.
 * Returns the places found, four numbers each (class key, script id, line, column), in that
 * order. Self-contained (see `nameKeysKernel`): its one helper is inside it.
 */
export function locatedKeysKernel(locations: Int32Array | Float64Array, p: LocatedKeysParams, nodes: Uint32Array, keyOf: Uint32Array): Float64Array {
  const stride = p.stride;
  // Open addressing over the places, by a hash of their four numbers: slot → place + 1.
  let slots = new Int32Array(1024);
  let mask = slots.length - 1;
  let places = new Float64Array(4 * 256);
  let count = 0;
  let lastBase = -1;
  let lastScript = -1;
  let lastLine = 0;
  let lastColumn = 0;
  let lastKey = -1;
  for (let i = 0; i + stride <= locations.length; i += stride) {
    const n = locations[i + p.objectAt]! / p.fileNodeFields;
    if (nodes[n * p.nodeFieldCount + p.typeOffset] !== p.objectType) continue;
    const base = keyOf[n]!;
    const script = locations[i + p.scriptAt]!;
    const line = locations[i + p.lineAt]!;
    const column = locations[i + p.columnAt]!;
    // Instances of one class often come one after another.
    if (base === lastBase && script === lastScript && line === lastLine && column === lastColumn) {
      keyOf[n] = lastKey;
      continue;
    }
    let slot = hashPlace(base, script, line, column) & mask;
    let place = -1;
    for (;;) {
      const at = slots[slot]! - 1;
      if (at < 0) break;
      if (places[4 * at] === base && places[4 * at + 1] === script && places[4 * at + 2] === line && places[4 * at + 3] === column) {
        place = at;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (place < 0) {
      place = count++;
      if (4 * count > places.length) {
        const grown = new Float64Array(places.length * 2);
        grown.set(places);
        places = grown;
      }
      places[4 * place] = base;
      places[4 * place + 1] = script;
      places[4 * place + 2] = line;
      places[4 * place + 3] = column;
      slots[slot] = place + 1;
      if (2 * count > slots.length) {
        // Half full: twice the slots, every place hashed again.
        slots = new Int32Array(slots.length * 2);
        mask = slots.length - 1;
        for (let q = 0; q < count; q++) {
          let s = hashPlace(places[4 * q]!, places[4 * q + 1]!, places[4 * q + 2]!, places[4 * q + 3]!) & mask;
          while (slots[s] !== 0) s = (s + 1) & mask;
          slots[s] = q + 1;
        }
      }
    }
    const key = p.firstKey + place;
    keyOf[n] = key;
    lastBase = base;
    lastScript = script;
    lastLine = line;
    lastColumn = column;
    lastKey = key;
  }
  return places.subarray(0, 4 * count);

  /** A hash of a place's four numbers, their bits above 32 included (a Float64Array's values may have some). */
  function hashPlace(base: number, script: number, line: number, column: number): number {
    let h = Math.imul(base ^ 0x2545f491, 0x9e3779b1);
    h = Math.imul(h ^ (script | 0) ^ Math.imul((script / 4294967296) | 0, 0x5bd1e995), 0x85ebca6b);
    h = Math.imul(h ^ (line | 0) ^ Math.imul((line / 4294967296) | 0, 0x5bd1e995), 0xc2b2ae35);
    h = Math.imul(h ^ (column | 0) ^ Math.imul((column / 4294967296) | 0, 0x5bd1e995), 0x27d4eb2f);
    return h ^ (h >>> 15);
  }
}
