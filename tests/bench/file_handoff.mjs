// How much the page's main thread pays to get many small files' bytes, read on
// the page or handed to workers as File objects (why src/ui/workers.rs reads
// small files on the page and hands only big ones over; docs/benchmarks.md).
//   main   the page reads every file (arrayBuffer, 512 at a time)
//   async  two workers get the Files in batches of 64 and read them (arrayBuffer)
//   sync   the same, read with FileReaderSync
//   concat the page joins 256 files at a time into one Blob (new Blob(files))
//          and reads that: one read where there were 256
//   concatw the same joined Blobs posted to two workers, which read them
// For the worker modes, `postMs` is what posting the Files cost the page.
// Usage: node tests/bench/file_handoff.mjs CORPUS_DIR
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: file_handoff.mjs CORPUS_DIR');
  process.exit(2);
}
const files = fs.readdirSync(path.join(dir, 'files')).map((f) => path.join(dir, 'files', f));

// A page of its own: a file input and a worker that reads what it is sent.
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'file-handoff-'));
fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><html><body><input type="file" id="in" multiple></body></html>');
fs.writeFileSync(path.join(site, 'reader.js'), `onmessage = async (e) => {
  const { files, mode } = e.data;
  let bytes = 0;
  if (mode === 'sync') {
    const r = new FileReaderSync();
    for (const f of files) bytes += r.readAsArrayBuffer(f).byteLength;
  } else if (files instanceof Blob) {
    bytes += (await files.arrayBuffer()).byteLength;
  } else {
    for (const b of await Promise.all(files.map((f) => f.arrayBuffer()))) bytes += b.byteLength;
  }
  postMessage(bytes);
};`);

const server = await serve(site);
const context = await launch();
for (const mode of ['main', 'concat', 'concatw', 'async', 'sync', 'main', 'concat', 'concatw', 'async', 'sync']) {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.setInputFiles('#in', files, { timeout: 600_000 });
  const r = await page.evaluate(async (mode) => {
    const list = [...document.getElementById('in').files];
    const t = performance.now();
    let bytes = 0;
    if (mode === 'main') {
      for (let i = 0; i < list.length; i += 512) {
        const bufs = await Promise.all(list.slice(i, i + 512).map((f) => f.arrayBuffer()));
        bytes += bufs.reduce((a, b) => a + b.byteLength, 0);
      }
      return { ms: Math.round(performance.now() - t), bytes };
    }
    if (mode === 'concat') {
      for (let i = 0; i < list.length; i += 256) {
        const parts = list.slice(i, i + 256);
        bytes += (await new Blob(parts).arrayBuffer()).byteLength;
      }
      return { ms: Math.round(performance.now() - t), bytes };
    }
    let postMs = 0;
    let next = 0;
    const workers = [0, 1].map(() => new Worker('reader.js'));
    await Promise.all(workers.map((w) => new Promise((resolve) => {
      const send = () => {
        if (next >= list.length) return resolve();
        const step = mode === 'concatw' ? 256 : 64;
        const t0 = performance.now();
        const batch = list.slice(next, next + step);
        next += step;
        w.postMessage({ files: mode === 'concatw' ? new Blob(batch) : batch, mode });
        postMs += performance.now() - t0;
      };
      w.onmessage = (e) => { bytes += e.data; send(); };
      send();
    })));
    return { ms: Math.round(performance.now() - t), bytes, postMs: Math.round(postMs) };
  }, mode);
  console.log(mode.padEnd(6), JSON.stringify(r));
  await page.close();
}
await context.close();
server.close();
fs.rmSync(site, { recursive: true, force: true });
