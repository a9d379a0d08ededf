// What reading many small files costs the page's main thread in CPU, by the
// pattern of the reads (docs/benchmarks.md, "Ninth sitting"):
//   floor  the browser bench's floor: 512 reads at a time, each set awaited
//   roll   4 × 128 reads in flight, a batch started as one ends
//   lane   the same, with what src/ui/lane.js adds: names, byte views, one
//          joined array per batch
// Each in a fresh page; CPU from Chromium's counters (ThreadTime).
// Usage: node tests/bench/read_patterns.mjs CORPUS_DIR
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: read_patterns.mjs CORPUS_DIR');
  process.exit(2);
}
const files = fs.readdirSync(path.join(dir, 'files')).map((f) => path.join(dir, 'files', f));
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'read-patterns-'));
fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><html><body><input type="file" id="in" multiple></body></html>');
const server = await serve(site);
const context = await launch();
for (const mode of ['floor', 'roll', 'lane', 'floor', 'roll', 'lane']) {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.setInputFiles('#in', files, { timeout: 600_000 });
  const session = await context.newCDPSession(page);
  await session.send('Performance.enable');
  const cpu = async () => (await session.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  const before = await cpu();
  const ms = await page.evaluate(async (mode) => {
    const list = [...document.getElementById('in').files];
    const t = performance.now();
    if (mode === 'floor') {
      for (let i = 0; i < list.length; i += 512) await Promise.all(list.slice(i, i + 512).map((f) => f.arrayBuffer()));
      return performance.now() - t;
    }
    let next = 0;
    const reader = async () => {
      while (next < list.length) {
        const batch = list.slice(next, next + 128);
        next += 128;
        if (mode === 'roll') {
          await Promise.all(batch.map((f) => f.arrayBuffer()));
          continue;
        }
        const settled = await Promise.allSettled(batch.map((f) => f.arrayBuffer()));
        const names = batch.map((f) => f.name);
        const bytes = settled.map((s) => new Uint8Array(s.value));
        const all = new Uint8Array(bytes.reduce((a, b) => a + b.length, 0));
        let at = 0;
        for (const b of bytes) {
          all.set(b, at);
          at += b.length;
        }
        if (names.length !== bytes.length) throw new Error('lost a name');
      }
    };
    await Promise.all([reader(), reader(), reader(), reader()]);
    return performance.now() - t;
  }, mode);
  console.log(`${mode.padEnd(6)} ${ms.toFixed(0).padStart(5)} ms, main-thread CPU ${((await cpu()) - before).toFixed(0).padStart(4)} ms`);
  await page.close();
}
await context.close();
server.close();
process.exit(0);
