import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/harness.mjs';
const dir = process.argv[2];
const files = fs.readdirSync(path.join(dir, 'files')).map((f) => path.join(dir, 'files', f));
const server = await serve('/tmp/rexp');
const context = await launch();
for (const mode of ['main', 'async', 'sync', 'main', 'async', 'sync']) {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.setInputFiles('#in', files, { timeout: 600000 });
  const r = await page.evaluate(async (mode) => {
    const list = [...document.getElementById('in').files];
    const t = performance.now();
    let busy = 0;
    if (mode === 'main') {
      let bytes = 0;
      for (let i = 0; i < list.length; i += 512) {
        const bufs = await Promise.all(list.slice(i, i + 512).map((f) => f.arrayBuffer()));
        bytes += bufs.reduce((a, b) => a + b.byteLength, 0);
      }
      return { ms: performance.now() - t, bytes };
    }
    const n = 2;
    const ws = [...Array(n)].map(() => new Worker('w.js'));
    let bytes = 0;
    let next = 0;
    await Promise.all(ws.map((w) => new Promise((resolve) => {
      const send = () => {
        if (next >= list.length) { resolve(); return; }
        const files = list.slice(next, next + 64); next += 64;
        const t0 = performance.now();
        w.postMessage({ files, mode });
        busy += performance.now() - t0;
      };
      w.onmessage = (e) => { bytes += e.data; send(); };
      send(); 
    })));
    return { ms: performance.now() - t, bytes, postMs: busy };
  }, mode);
  console.log(mode, JSON.stringify(r));
  await page.close();
}
await context.close();
server.close();
