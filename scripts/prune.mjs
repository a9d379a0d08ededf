// What the page never calls, taken out of the module and the glue before
// packing (used by finalize.mjs).
//
// Leptos always links server_fn, whose streaming client links wasm-streams,
// and wasm-streams exports three classes to JavaScript (IntoUnderlyingSource,
// …Sink, …ByteSource) for turning Rust streams into web streams. A page
// without server functions never makes one, but an export is a root that no
// optimizer may remove: the classes kept ~10 KB of the module alive, and
// their wrappers sat in the glue. Leptos's split-point marker is an export of
// the same kind. Taking the exports out lets wasm-opt drop their code; the
// glue's classes, their finalization registries and every import function
// the optimized module no longer imports go with them.

/** Exports the page never uses: wasm-streams' classes, Leptos's split marker. */
export const UNUSED_EXPORT = /^(__wbg_)?intounderlying|^_WASM_SPLIT_MARKER_/;

/** The wasm module `bytes` without the exports whose name matches `drop`. */
export function stripExports(bytes, drop) {
  let at = 8;
  const uleb = () => {
    let value = 0, shift = 0, byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const leb = (n) => {
    const out = [];
    do {
      out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n);
    return Buffer.from(out);
  };
  const parts = [bytes.subarray(0, 8)];
  const dropped = [];
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const end = uleb() + at;
    if (id !== 7) {
      at = end;
      parts.push(bytes.subarray(start, end));
      continue;
    }
    const kept = [];
    for (let n = uleb(); n > 0; n--) {
      const entry = at;
      const nameEnd = uleb() + at;
      const name = bytes.subarray(at, nameEnd).toString('utf8');
      at = nameEnd + 1; // the export's kind
      uleb(); // its index
      if (drop.test(name)) dropped.push(name);
      else kept.push(bytes.subarray(entry, at));
    }
    if (at !== end) throw new Error('prune: the export section does not parse');
    const body = Buffer.concat([leb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), leb(body.length), body);
  }
  return { bytes: Buffer.concat(parts), dropped };
}

/**
 * The glue without the classes wrapping `dropped` exports and without the
 * import functions `imports` (the optimized module's import names) lacks.
 * The shapes matched are wasm-bindgen 0.2.130's (Trunk.toml pins it); a
 * shape not found stops the build rather than shipping a half-pruned glue.
 */
export function pruneGlue(text, dropped, imports) {
  const classes = new Set();
  text = text.replace(/^export class (\w+) \{\n[\s\S]*?\n\}\nif \(Symbol\.dispose\) \1\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm, (whole, name) => {
    if (!dropped.includes(`__wbg_${name.toLowerCase()}_free`)) return whole;
    classes.add(name);
    return '';
  });
  const registries = new RegExp(`^const (${[...classes].join('|')})Finalization = [^\\n]*\\n[^\\n]*\\n[^\\n]*;\\n`, 'gm');
  let removed = 0;
  if (classes.size) text = text.replace(registries, () => (removed++, ''));
  if (removed !== classes.size) throw new Error(`prune: found ${removed} finalization registries for ${classes.size} classes`);
  const wanted = new Set(imports);
  let kept = 0;
  // `name: function(…) {` or, for a call that may throw, `name: function() { return handleError(function (…) {`.
  text = text.replace(/\n {8}(\w+): function\([^)]*\) \{[^\n]*\n[\s\S]*?\n {8}\}(?:, arguments\); \})?,(?=\n)/g, (whole, name) => (wanted.has(name) ? (kept++, whole) : ''));
  if (kept !== wanted.size) throw new Error(`prune: the glue defines ${kept} of the module's ${wanted.size} imports`);
  for (const name of dropped) {
    if (new RegExp(`\\bwasm\\.${name}\\b`).test(text)) throw new Error(`prune: the glue still calls ${name}`);
  }
  for (const name of classes) {
    if (new RegExp(`\\b${name}\\b`).test(text)) throw new Error(`prune: the glue still names ${name}`);
  }
  return text;
}
