// Short names for what the wasm and its wasm-bindgen glue call each other by. wasm-bindgen
// names every import after its Rust path plus a 16-digit hash (`__wbg_set_subtree_id_b149...`)
// and closure exports after their invoke shims; each name is in the wasm once and in the glue
// once or more, and no other file uses them. release.mjs gives them one- to three-letter names
// in both files before terser runs (BENCHMARKS.md). `memory` keeps its name: the benchmark and
// the soak read it from the exports.
//
// A name is renamed only when the glue uses it in the one form this knows (an import as a key
// of the import object, an export as `wasm.name`); a name used any other way keeps it.

const KEEP = new Set(['memory']);

/** Returns `{ wasm, js, renamed }`: both files with the short names, and how many changed. */
export function shortenNames(wasm, js) {
  const sections = readSections(wasm);
  const imports = sections.find((s) => s.id === 2);
  const exports = sections.find((s) => s.id === 7);
  let next = 0;
  const fresh = () => shortName(next++);
  let renamed = 0;

  if (imports) {
    const entries = readImports(imports.body);
    // Every import repeats its module's name; the glue's module becomes `_` where the glue
    // names it once, as the key of its import object.
    const modules = new Set(entries.map((e) => e.module).filter((m) => m.endsWith('_bg.js')));
    for (const m of modules) {
      const key = new RegExp(`(["'])${escape(m).replace(/[.]/g, '\\.')}\\1:`, 'g');
      if (modules.size > 1 || (js.match(key)?.length ?? 0) !== 1 || keyUse('_').test(js)) continue;
      js = js.replace(key, '_:');
      for (const e of entries) if (e.module === m) e.module = '_';
    }
    for (const e of entries) {
      if (!(e.module === '_' || e.module.endsWith('_bg.js')) || !onlyAs(js, e.name, keyUse(e.name))) continue;
      const short = fresh();
      js = js.replace(keyUse(e.name), `$1${short}:`);
      e.name = short;
      renamed++;
    }
    imports.body = writeImports(entries);
  }
  if (exports) {
    const entries = readExports(exports.body);
    for (const e of entries) {
      if (KEEP.has(e.name) || !onlyMember(js, e.name)) continue;
      // A JS wrapper may carry the export's name (terser renames it); only `wasm.x` changes.
      const short = fresh();
      js = js.replace(memberUse(e.name), `wasm.${short}`);
      e.name = short;
      renamed++;
    }
    exports.body = writeExports(entries);
  }
  return { wasm: writeSections(wasm, sections), js, renamed };
}

/** `a`..`z`, `A`..`Z`, then two and three letters: never a JS keyword, never `__proto__`. */
function shortName(n) {
  const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s = abc[n % abc.length] + s;
    n = Math.floor(n / abc.length) - 1;
  } while (n >= 0);
  return s;
}

const escape = (s) => s.replace(/[$]/g, '\\$&');
const keyUse = (name) => new RegExp(`(^|[{,\\s])${escape(name)}:`, 'g');
const memberUse = (name) => new RegExp(`\\bwasm\\.${escape(name)}(?![\\w$])`, 'g');

/** True when `name` is in `js` and every whole-word use of it is `form`. */
function onlyAs(js, name, form) {
  const all = js.match(new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, 'g'))?.length ?? 0;
  const uses = js.match(form)?.length ?? 0;
  return uses > 0 && uses === all;
}

/** True when the glue reads export `name` only as `wasm.name`: a bare `name` is a JS function. */
function onlyMember(js, name) {
  const dotted = js.match(new RegExp(`\\.${escape(name)}(?![\\w$])`, 'g'))?.length ?? 0;
  const quoted = js.match(new RegExp(`['"\`]${escape(name)}['"\`]`, 'g'))?.length ?? 0;
  const uses = js.match(memberUse(name))?.length ?? 0;
  return uses > 0 && uses === dotted && quoted === 0;
}

// --- the wasm binary: sections, and the import and export sections' entries ---

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function toLeb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function readSections(wasm) {
  const sections = [];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = leb(wasm, at + 1);
    sections.push({ id, body: wasm.subarray(start, start + size) });
    at = start + size;
  }
  return sections;
}

function writeSections(wasm, sections) {
  const parts = [wasm.subarray(0, 8)];
  for (const s of sections) parts.push(Uint8Array.of(s.id, ...toLeb(s.body.length)), s.body);
  return Buffer.concat(parts);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function readName(bytes, at) {
  const [len, start] = leb(bytes, at);
  return [decoder.decode(bytes.subarray(start, start + len)), start + len];
}

function name(s) {
  const b = encoder.encode(s);
  return [...toLeb(b.length), ...b];
}

/** Skips an import's description (function, table, memory, global or tag). */
function skipDesc(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = leb(bytes, p);
    if (flags & 1) [, p] = leb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0:
      return leb(bytes, at)[1];
    case 1:
      return limits(at + 1);
    case 2:
      return limits(at);
    case 3:
      return at + 2;
    case 4:
      return leb(bytes, at + 1)[1];
    default:
      throw new Error(`names.mjs: unknown import kind ${kind}`);
  }
}

function readImports(body) {
  const [count, first] = leb(body, 0);
  const entries = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [module, a] = readName(body, at);
    const [field, b] = readName(body, a);
    const end = skipDesc(body, b);
    entries.push({ module, name: field, desc: body.subarray(b, end) });
    at = end;
  }
  return entries;
}

function writeImports(entries) {
  const out = [...toLeb(entries.length)];
  const parts = [];
  for (const e of entries) parts.push(Uint8Array.from([...name(e.module), ...name(e.name)]), e.desc);
  return Buffer.concat([Uint8Array.from(out), ...parts]);
}

function readExports(body) {
  const [count, first] = leb(body, 0);
  const entries = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [field, a] = readName(body, at);
    const end = leb(body, a + 1)[1];
    entries.push({ name: field, desc: body.subarray(a, end) });
    at = end;
  }
  return entries;
}

function writeExports(entries) {
  const parts = [Uint8Array.from(toLeb(entries.length))];
  for (const e of entries) parts.push(Uint8Array.from(name(e.name)), e.desc);
  return Buffer.concat(parts);
}
