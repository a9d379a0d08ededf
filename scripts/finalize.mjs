// Trunk post-build hook: makes the page run under a strict Content-Security-Policy.
//
// The policy forbids fetch() (connect-src 'none'), so the wasm module cannot be
// downloaded the way Trunk's loader does it. Instead its bytes are embedded in
// an external boot module, the inline loader script is replaced by that module
// (no inline script remains, so script-src needs no hash), and the wasm preload
// link, which would be a blocked fetch, is removed.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { minify as minifyJs } from 'terser';
import { minify as minifyCss } from 'csso';
import { UNUSED_EXPORT, pruneGlue, stripExports } from './prune.mjs';

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'none'",
  "img-src 'self' data:",
  "style-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2] || 'dist';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const htmlPath = path.join(dir, 'index.html');
let html = fs.readFileSync(htmlPath, 'utf8');

const inline = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (!inline) throw new Error('finalize: Trunk loader script not found in index.html');
const glue = inline[1].match(/from '\.\/([^']+\.js)'/)?.[1];
const wasmName = inline[1].match(/module_or_path: '\.\/([^']+\.wasm)'/)?.[1];
if (!glue || !wasmName) throw new Error('finalize: cannot find the JS glue or the wasm file in the loader');

// A file this script writes is named after its content (`stem-<hash>.js`,
// so a new build is never served from an old cache), and a file Trunk links
// with an integrity attribute gets the new bytes' hash when rewritten here.
const contentName = (stem, text) => `${stem}-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}.js`;
const integrity = (text) => `sha384-${crypto.createHash('sha384').update(text).digest('base64')}`;

const run = (cmd, args, options) => {
  try {
    return execFileSync(cmd, args, options);
  } catch (err) {
    throw new Error(`finalize: ${cmd} failed (${err.code || `exit ${err.status}`}); packing the module needs python3, cargo and npm's wasm-opt (scripts/setup installs what it can)`);
  }
};

// The module's imports and exports get one- or two-letter names, and the glue
// the same: wasm-bindgen names each import after the JavaScript it calls plus
// a 16-digit hash (`__wbg_setattribute_6a6e…`), 187 of them, each written
// once in the module and once in the glue (~3 KiB of the page, gzipped).
// binaryen's pass renames them and prints the map; the glue names an import
// as a key of its import object and an export as `wasm.<name>`.
const wasmPath = path.join(dir, wasmName);
const renamed = `${wasmPath}.min`;
// The build's own wasm-opt settings (index.html), for a second run here.
const params = fs.readFileSync(path.join(root, 'index.html'), 'utf8').match(/data-wasm-opt-params="([^"]*)"/)?.[1].split(/\s+/) ?? [];
// PROFILE_NAMES=1 (below) keeps the names, for profiles that name the glue's
// functions, and the module as Trunk built it.
const pruned = process.env.PROFILE_NAMES ? { dropped: [] } : stripExports(fs.readFileSync(wasmPath), UNUSED_EXPORT);
if (pruned.bytes) fs.writeFileSync(renamed, pruned.bytes);
// The second -Oz drops what the pruned exports kept alive, and optimizes
// further on its own (1.6 KB of the page: binaryen's passes do not reach a
// fixed point in one run; a third measured no smaller).
const mapText = process.env.PROFILE_NAMES ? null
  : run(path.join(root, 'node_modules/.bin/wasm-opt'), [renamed, ...params, '-Oz', '--minify-imports-and-exports-and-modules', '-o', renamed], { encoding: 'utf8', maxBuffer: 1 << 26 });
const names = mapText ? JSON.parse(mapText.slice(mapText.indexOf('{'))) : { imports: [], exports: [['memory', 'memory']] };
const wasm = fs.readFileSync(mapText ? renamed : wasmPath);
// KEEP_WASM=<path> keeps a copy of the module as packed, for measuring it.
if (process.env.KEEP_WASM) fs.writeFileSync(process.env.KEEP_WASM, wasm);
if (mapText) fs.rmSync(renamed);
const escapeRe = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const renameInGlue = (text) => {
  if (!mapText) return text;
  const modules = new Set(names.imports.map(([module]) => module));
  if (modules.size !== 1) throw new Error(`finalize: the module imports from ${modules.size} places, the glue rename expects one`);
  const [module] = modules;
  if (!text.includes(`"${module}": import0`)) throw new Error('finalize: the glue has no import object as expected (another wasm-bindgen version?)');
  // binaryen names the one module "a".
  text = text.replace(`"${module}": import0`, '"a": import0');
  for (const [, from, to] of names.imports) {
    const key = new RegExp(`(\\n\\s+)${escapeRe(from)}(?=: function)`);
    if (!key.test(text)) throw new Error(`finalize: the glue does not define the import ${from}`);
    text = text.replace(key, (_, indent) => `${indent}${JSON.stringify(to)}`);
  }
  for (const [from, to] of names.exports) {
    text = text.replace(new RegExp(`\\bwasm\\.${escapeRe(from)}\\b`, 'g'), () => `wasm[${JSON.stringify(to)}]`);
  }
  return text;
};
const memoryExport = names.exports.find(([from]) => from === 'memory')?.[1];
if (!memoryExport) throw new Error('finalize: the module exports no memory');

// Short strings from the module reach the page without TextDecoder: the views
// hand the DOM thousands of short ASCII strings (class names, numbers, host
// names), and a TextDecoder call costs ~0.38 us each in Chromium against
// ~0.23 us for checking the bytes are ASCII and making the string here
// (measured on 10 typical strings).
// Anything longer, or not ASCII, still goes through TextDecoder. The glue is
// patched where wasm-bindgen 0.2.130 writes this function; a different glue
// stops the build rather than shipping unpatched.
const gluePath = path.join(dir, glue);
const GLUE_STRING = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`;
const SHORT_STRINGS = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getUint8ArrayMemory0();
    const bytes = mem.subarray(ptr, ptr + len);
    if (len <= 64) {
        let ascii = true;
        for (let i = 0; i < len; i++) if (bytes[i] >= 0x80) { ascii = false; break; }
        // One flat string (appending a character at a time would build a
        // rope the DOM then flattens).
        if (ascii) return String.fromCharCode.apply(null, bytes);
    }
    return decodeText(bytes);
}`;
const glueText = fs.readFileSync(gluePath, 'utf8');
if (!glueText.includes(GLUE_STRING)) throw new Error('finalize: the wasm-bindgen glue has no getStringFromWasm0 as expected (another wasm-bindgen version?)');
// Scripts and the style sheet travel minified: wasm-bindgen's glue is
// written to be read (57 KB; 10.2 KB gzipped, 7.3 KB minified), and so are
// the scripts written here. Names are mangled, not properties: the glue
// reaches the module's exports as properties.
// PROFILE_NAMES=1 keeps them readable for profiling (tests/bench/browser.mjs PROFILE=…).
const minified = async (code) => process.env.PROFILE_NAMES ? code
  : (await minifyJs(code, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } })).code;
const prunedGlue = mapText ? pruneGlue(glueText, pruned.dropped, names.imports.map(([, from]) => from)) : glueText;
const patchedGlue = await minified(renameInGlue(prunedGlue.replace(GLUE_STRING, SHORT_STRINGS)));
fs.writeFileSync(gluePath, patchedGlue);
// Trunk's modulepreload link checks the glue's hash: it must be the new one.
const glueIntegrity = integrity(patchedGlue);
const preload = new RegExp(`(<link rel="modulepreload" href="\\./${escapeRe(glue)}"[^>]*integrity=")[^"]+"`);
if (!preload.test(html)) throw new Error('finalize: the glue\'s modulepreload link was not found');
html = html.replace(preload, `$1${glueIntegrity}"`);
// The module travels LZMA-compressed, in base64: ~25 % smaller than the
// gzipped module (the server's gzip cannot shrink it further; base64 costs
// ~1.5 % after gzip). Python's lzma (liblzma) encodes; lc=4, lp=0, pb=0 suit
// wasm, whose code is not aligned to anything (measured: the defaults, lc=3
// pb=2, come out larger). The boot module unpacks it with crates/unlzma,
// built here into a wasm module of its own (~2 KB gzipped): compiled code
// unpacks the app in 30-45 ms (Node; 70-95 ms in the page with the base64
// and the decoder's instantiation) where the same decoder in JavaScript took
// 105-180 ms, most of it before the JIT had optimized its one call.
const LZMA = { lc: 4, lp: 0, pb: 0 };
const packed = run('python3', ['-c', `
import lzma, sys
f = [{'id': lzma.FILTER_LZMA1, 'preset': 9 | lzma.PRESET_EXTREME, 'lc': ${LZMA.lc}, 'lp': ${LZMA.lp}, 'pb': ${LZMA.pb}}]
sys.stdout.buffer.write(lzma.compress(sys.stdin.buffer.read(), format=lzma.FORMAT_RAW, filters=f))
`], { input: wasm, maxBuffer: 1 << 28 });
run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown',
  '--manifest-path', path.join(root, 'crates/unlzma/Cargo.toml'), '--target-dir', path.join(root, 'target/unlzma')], { stdio: 'inherit' });
const decoderWasm = path.join(root, 'target/unlzma/unlzma.opt.wasm');
run(path.join(root, 'node_modules/.bin/wasm-opt'), ['-Os', path.join(root, 'target/unlzma/wasm32-unknown-unknown/release/unlzma.wasm'), '-o', decoderWasm], { stdio: 'inherit' });
const decoder = fs.readFileSync(decoderWasm);
// The ingest worker: the same glue and the same compiled module, handed over
// by the page (no second download, no fetch). The page reads the files and
// transfers their bytes (a big file's File is handed over instead, and read
// here); the worker answers with each file's result in chunks (see
// src/engine), transferred back.
// How long each worker warms up its engine when it starts (ms), in slices
// of WARM_UP_SLICE_MS: files that come meanwhile wait for one slice at most.
const WARM_UP_MS = 400;
const WARM_UP_SLICE_MS = 50;
const WARM_UP_AFTER_MS = 500;
const worker = await minified(`// Generated by scripts/finalize.mjs: an ingest worker.
import init, { worker_ingest_batch, worker_in_hand, worker_hold, worker_ingest_held, worker_warm_up } from './${glue}';
let ready = null;
// The file whose parts this worker reads (its bytes are kept in the module,
// see worker_hold): the page sends them with the first part it gives this
// worker, not with every part.
let held = null;
// Batches are handled one after another, in the order sent: reading a big
// file awaits, and the next batch (maybe a part of that file, sent without
// its bytes) must not start meanwhile; the page pairs answers with batches
// in order.
let turn = Promise.resolve();
let sent = false;
self.onmessage = (e) => {
  const m = e.data;
  if (m.module) {
    ready = init({ module_or_path: m.module });
    ready.then(() => self.postMessage({ ready: true }), (err) => self.postMessage({ failed: String(err) }));
    // The engine's code is made hot before the first files come (see
    // worker_warm_up), once the page has had time to show itself. It runs in
    // slices with a task between them, so files that come meanwhile end it
    // after the slice in hand; files sent before it began make it moot.
    ready.then(() => setTimeout(() => {
      if (sent) return;
      turn = turn.then(async () => {
        for (let spent = 0; spent < ${WARM_UP_MS} && !sent; spent += ${WARM_UP_SLICE_MS}) {
          worker_warm_up(${WARM_UP_SLICE_MS});
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }).catch(() => {});
    }, ${WARM_UP_AFTER_MS}), () => {});
    return;
  }
  sent = true;
  // Small files come as a batch of parallel arrays, their bytes side by
  // side (src/ui/lane.js); a part of a big file, a big file's File, or a
  // file sent alone, as a list of objects.
  const seqs = m.files ? m.files.map((f) => f.seq) : Array.from(m.seqs);
  // A batch that fails outside the per-file handling still gets its answer.
  turn = turn.then(() => (m.files ? batch(m.files) : lane(m))).catch((err) => {
    answer(seqs.map((seq) => ({ seq, kind: FAILED, why: message(err) })));
  });
};
// A batch of small files, read in one call to the module. If the module
// traps, the file it was reading gets the error and the others go back to
// the page, to be read again for a fresh worker.
const lane = async (m) => {
  await ready;
  release();
  const n = m.seqs.length;
  const outEnds = new Float64Array(n);
  let out;
  try {
    out = worker_ingest_batch(m.names.join('\\0') + '\\0', m.all, m.ends, outEnds);
  } catch (err) {
    let at = -1;
    try { at = worker_in_hand(); } catch (_) {}
    const why = message(err);
    answer(Array.from(m.seqs, (seq, i) => (i === at ? { seq, kind: FAILED, why } : { seq, kind: RETRY })));
    return;
  }
  const sizes = m.ends.map((end, i) => end - (i ? m.ends[i - 1] : 0));
  post(m.seqs, new Uint8Array(n), sizes, outEnds, new Array(n).fill(''), out);
};
// Why something failed, in words.
const message = (err) => String((err && err.message) || err);
// Lets go of the big file whose parts this worker read.
const release = () => {
  if (held) worker_hold(new Uint8Array(0));
  held = null;
};
// The answer to a batch, the one shape the page reads (read_reply in
// src/ui/workers.rs): with an entry a file, its sequence number, what became
// of it (the codes below), its size, where its answer ends in \`out\` and why
// it failed; \`out\` is transferred.
const post = (seqs, kinds, sizes, ends, whys, out) => self.postMessage([seqs, kinds, sizes, ends, whys, out], [out.buffer]);
// What became of a file (the page's src/ui/workers.rs reads the same codes).
const DONE = 0, FAILED = 1, UNREADABLE = 2, RETRY = 3;
// A batch's answers go back in one message (\`post\`), side by side in one
// array, so the page takes them in a handful of calls, not several per file.
const answer = (results) => {
  const n = results.length;
  const seqs = new Float64Array(n), kinds = new Uint8Array(n), sizes = new Float64Array(n), ends = new Float64Array(n);
  const whys = new Array(n);
  let total = 0;
  for (const r of results) total += r.out ? r.out.length : 0;
  const out = n === 1 && results[0].out ? results[0].out : new Uint8Array(total);
  let at = 0;
  results.forEach((r, i) => {
    seqs[i] = r.seq;
    kinds[i] = r.kind;
    sizes[i] = r.size || 0;
    whys[i] = r.why || '';
    if (r.out) {
      if (r.out !== out) out.set(r.out, at);
      at += r.out.length;
    }
    ends[i] = at;
  });
  post(seqs, kinds, sizes, ends, whys, out);
};
const batch = async (files) => {
  await ready;
  const results = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f.bytes instanceof Blob) {
      try {
        f.bytes = new Uint8Array(await f.bytes.arrayBuffer());
      } catch (err) {
        // The file changed or went away: this file has no bytes, the worker is fine.
        results.push({ seq: f.seq, kind: UNREADABLE, why: message(err) });
        continue;
      }
    }
    try {
      let out;
      let size;
      if (f.parts) {
        if (f.bytes) {
          worker_hold(f.bytes);
          held = { file: f.file, size: f.bytes.length };
        }
        if (!held || held.file !== f.file) {
          results.push({ seq: f.seq, kind: FAILED, why: 'the worker did not have the file' });
          continue;
        }
        out = worker_ingest_held(f.name, f.part, f.parts);
        size = held.size;
      } else {
        release();
        out = worker_ingest_batch(f.name + '\\0', f.bytes, [f.bytes.length], new Float64Array(1));
        size = f.bytes.length;
      }
      results.push({ seq: f.seq, kind: DONE, out, size });
    } catch (err) {
      // The module may have trapped: it is not used again. The files after
      // this one go back to the page, to be read again for a fresh worker.
      results.push({ seq: f.seq, kind: FAILED, why: message(err) });
      for (const rest of files.slice(i + 1)) results.push({ seq: rest.seq, kind: RETRY });
      break;
    }
  }
  answer(results);
};
`);
const workerName = contentName('worker', worker);
fs.writeFileSync(path.join(dir, workerName), worker);

// The sample reports ("Try sample reports"): listed in src/samples.rs, their
// bytes in a script of their own that the page imports when the button is
// pressed, so the module every visit unpacks does not carry them.
const sampleNames = [...fs.readFileSync(path.join(root, 'src/samples.rs'), 'utf8')
  .matchAll(/sample!\(\s*"([^"]+)",\s*"[^"]+"\s*,?\s*\)/g)].map((m) => m[1]);
if (sampleNames.length === 0) throw new Error('finalize: no samples found in src/samples.rs');
const samples = `// Generated by scripts/finalize.mjs: the sample reports (tests/fixtures/real), [name, base64].
export default ${JSON.stringify(sampleNames.map((n) => [n, fs.readFileSync(path.join(root, 'tests/fixtures/real', n)).toString('base64')]))};
`;
const samplesName = contentName('samples', samples);
fs.writeFileSync(path.join(dir, samplesName), samples);

// The page's side of reading small files for the workers (src/ui/lane.js).
const lane = fs.readFileSync(path.join(root, 'src/ui/lane.js'), 'utf8');
const boot = await minified(`// Generated by scripts/finalize.mjs: the app's wasm, embedded (no fetch under the CSP).
import init from './${glue}';
performance.mark('boot:start');
${lane}
// The app's wasm module travels LZMA-compressed; a small module of its own
// (crates/unlzma) unpacks it into its memory, which is let go once the app's
// module is compiled. Compiled once here and posted to the ingest workers
// (see src/ui/workers.rs).
const base64 = (text) => Uint8Array.fromBase64 ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const unpack = async () => {
  const packed = base64('${packed.toString('base64')}');
  // Compiled asynchronously: some browsers refuse to compile modules over 4 KB
  // synchronously on the main thread.
  const unpacker = (await WebAssembly.instantiate(base64('${decoder.toString('base64')}'))).instance.exports;
  // Its memory, from __heap_base on: the model's probabilities, the packed
  // bytes, then the unpacked module.
  const probs = (unpacker.__heap_base.value + 15) & ~15;
  const src = probs + 2 * unpacker.unlzma_probs(${LZMA.lc}, ${LZMA.lp});
  const out = src + packed.length;
  const size = ${wasm.length};
  unpacker.memory.grow(Math.ceil((out + size - unpacker.memory.buffer.byteLength) / 65536));
  new Uint8Array(unpacker.memory.buffer, src, packed.length).set(packed);
  const status = unpacker.unlzma(src, packed.length, out, size, probs, ${LZMA.lc}, ${LZMA.lp}, ${LZMA.pb});
  if (status !== 0) throw new Error(\`the app's module did not unpack (\${status === 1 ? 'truncated' : 'corrupt'})\`);
  performance.mark('boot:decoded');
  return new Uint8Array(unpacker.memory.buffer, out, size);
};
// A browser that cannot run the app gets a sentence instead of a blank page.
const cannotStart = (err) => {
  console.error(err);
  const p = document.createElement('p');
  p.className = 'boot-error';
  p.setAttribute('role', 'alert');
  p.textContent = \`The viewer could not start in this browser (\${(err && err.message) || err}). It needs a current browser with WebAssembly; nothing was read or sent.\`;
  document.body.append(p);
};
try {
  const module = await WebAssembly.compile(await unpack());
  performance.mark('boot:compiled');
  globalThis.tlsrptModule = module;
  globalThis.tlsrptWorker = new URL('./${workerName}', import.meta.url).href;
  // The sample reports' files, [name, bytes] (src/ui/intro.rs).
  globalThis.tlsrptSamples = () => import('./${samplesName}').then((m) => m.default.map(([name, b]) => [name, base64(b)]));
  // Exposed for the browser benchmark's memory reading (wasm memory size).
  globalThis.tlsrptMemory = (await init({ module_or_path: module }))[${JSON.stringify(memoryExport)}];
  performance.mark('boot:ready');
} catch (err) {
  cannotStart(err);
}
// Offline after one visit: a service worker caches the app's own files
// (https, or a local address). It fetches nothing else, ever.
const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
if ('serviceWorker' in navigator && (location.protocol === 'https:' || local)) {
  navigator.serviceWorker.register('./sw.js').then((reg) => {
    const offer = (worker) => {
      if (!worker || !navigator.serviceWorker.controller || document.getElementById('update-banner')) return;
      const bar = document.createElement('div');
      bar.id = 'update-banner';
      bar.className = 'update-banner';
      bar.setAttribute('role', 'status');
      bar.textContent = 'A new version of the viewer is ready. ';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn small';
      button.textContent = 'Reload for the new version';
      button.addEventListener('click', () => worker.postMessage('skip-waiting'));
      bar.append(button);
      document.body.prepend(bar);
    };
    offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => { if (w.state === 'installed') offer(w); });
    });
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (navigator.serviceWorker.controller && document.getElementById('update-banner') && !reloading) {
        reloading = true;
        location.reload();
      }
    });
  }, () => {});
}
`);
const bootName = contentName('boot', boot);
fs.writeFileSync(path.join(dir, bootName), boot);
fs.rmSync(path.join(dir, wasmName));

html = html.replace(inline[0], `<script type="module" src="./${bootName}"></script>`);
html = html.replace(/<link rel="preload"[^>]*as="fetch"[^>]*>/g, '');
// The style sheet, minified in place (structure kept: no rules merged or
// moved); Trunk's integrity attribute must then name the new bytes.
const cssLink = html.match(/<link rel="stylesheet" href="\.\/([^"]+\.css)" integrity="([^"]+)"/);
if (!cssLink) throw new Error('finalize: the style sheet link was not found');
const css = minifyCss(fs.readFileSync(path.join(dir, cssLink[1]), 'utf8'), { restructure: false }).css;
fs.writeFileSync(path.join(dir, cssLink[1]), css);
html = html.replace(cssLink[2], integrity(css));
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
fs.writeFileSync(htmlPath, html);

// The service worker: the list of this build's files, cached at install and
// served cache-first; a new build has a new list, so a new cache replaces the old.
const built = [];
const walk = (d, rel = '') => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(path.join(d, e.name), r);
    else if (r !== 'sw.js') built.push(r);
  }
};
walk(dir);
built.sort();
const version = crypto.createHash('sha256').update(built.join('\n')).update(boot).digest('hex').slice(0, 16);
const sw = await minified(`// Generated by scripts/finalize.mjs: caches this build's own files, nothing else.
const CACHE = 'tlsrpt-${version}';
const FILES = ${JSON.stringify(['./', ...built.map((f) => './' + f)])};
self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('tlsrpt-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('message', (e) => { if (e.data === 'skip-waiting') self.skipWaiting(); });
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  e.respondWith(caches.open(CACHE).then((c) => c.match(e.request, { ignoreSearch: true }).then((hit) => hit || fetch(e.request))));
});
`);
fs.writeFileSync(path.join(dir, 'sw.js'), sw);
console.log(`finalize: ${bootName} (${wasm.length} bytes of wasm embedded), ${workerName}, sw.js (${built.length} files), CSP set`);
