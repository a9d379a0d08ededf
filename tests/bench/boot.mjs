// How long the page takes to start: from navigation to the app shown and
// idle, with the boot module's own marks (the module unpacked, compiled,
// instantiated). Each run is a fresh browser profile, so nothing comes from
// a cache or the service worker.
// Usage: node tests/bench/boot.mjs [DIST_DIR ...] [--runs N]
// With several builds, runs alternate between them (an interleaved A/B).
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/harness.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 7;
const dists = args.length ? args : ['dist'];

const servers = await Promise.all(dists.map((d) => serve(path.resolve(d))));
const results = dists.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [k, server] of servers.entries()) {
    const context = await launch();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="app"][data-state="idle"]');
    results[k].push(await page.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      return {
        start: at('boot:start'),
        unpack: at('boot:decoded') - at('boot:start'),
        compile: at('boot:compiled') - at('boot:decoded'),
        init: at('boot:ready') - at('boot:compiled'),
        idle: performance.now(),
      };
    }));
    await context.close();
  }
}
const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};
for (const [k, d] of dists.entries()) {
  const r = results[k];
  const col = (key) => `${key} ${median(r.map((x) => x[key])).toFixed(0)} ms`;
  console.log(`${d}: median of ${runs}: ${['start', 'unpack', 'compile', 'init', 'idle'].map(col).join(', ')}`);
  console.log(`  idle per run: ${r.map((x) => x.idle.toFixed(0)).join(' ')}`);
}
for (const s of servers) s.close?.();
process.exit(0);
