// Browser benchmark: the release build in headless Chromium, a corpus given
// through the file input (the same code path as a drop), measuring
//   - time from the input's change event to data-state="ready",
//   - the longest main-thread task while loading (PerformanceObserver longtask),
//   - JS heap plus wasm memory after load,
//   - the time for a filter change (a domain-row click) to show,
//   - CPU: the page's main thread, its process (workers included) and the
//     whole machine, per load and per floor (on two cores the floor alone
//     keeps the machine nearly busy, so any thread's work is wall time).
// Usage: node tests/bench/browser.mjs CORPUS_DIR   (see scripts/bench)
// NO_WORKERS=1 loads with the page's worker-less fallback (no `Worker`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: browser.mjs CORPUS_DIR');
  process.exit(2);
}
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const files = fs.readdirSync(path.join(dir, 'files')).map((f) => path.join(dir, 'files', f));
const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);

const server = await serve(path.resolve(process.env.DIST || 'dist'));
const context = await launch();

// Loads of up to 20,000 files are measured REPEAT times (3 unless told),
// each load after a floor of its own: one load of 6,620 files varies by
// ±15 % on these machines, a median of three much less.
const repeat = Number(process.env.REPEAT ?? (files.length <= 20000 ? 3 : 1));

// The floor: the same browser, in the same run, only reading the same files
// into ArrayBuffers on the main thread (512 reads at a time).
async function measureFloor() {
  const floorPage = await context.newPage();
  await floorPage.goto(server.url);
  await floorPage.waitForSelector('[data-testid="app"][data-state="idle"]');
  // A bare input of its own, so the app does not read the files too.
  await floorPage.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'floor-input';
    document.body.append(input);
  });
  await floorPage.setInputFiles('#floor-input', files, { timeout: 600_000 });
  const cpu = await cpuMeter(floorPage);
  const readFloor = await floorPage.evaluate(async () => {
    const list = [...document.getElementById('floor-input').files];
    const t = performance.now();
    // In batches: tens of thousands of reads at once run out of file handles.
    let bytes = 0;
    for (let i = 0; i < list.length; i += 512) {
      const bufs = await Promise.all(list.slice(i, i + 512).map((f) => f.arrayBuffer()));
      bytes += bufs.reduce((a, b) => a + b.byteLength, 0);
    }
    return { ms: performance.now() - t, bytes };
  });
  floorCpu.push(await cpu());
  await floorPage.close();
  return readFloor.ms;
}

// CPU time from here to when the returned function is called, from
// Chromium's counters: the page's main thread, and its whole renderer
// process (the workers included). Unlike wall-clock time it does not count
// the time a thread waits for a core, so it compares two builds more
// steadily. A load is metered from when the file input has taken the files
// (its own work is not the page's), a floor around its reads only.
async function cpuMeter(page) {
  const counters = await countersOf(page);
  const cpu = async () => {
    const m = await counters();
    return { thread: m.ThreadTime * 1000, process: m.ProcessTime * 1000, ...machineCpu() };
  };
  const start = await cpu();
  return async () => {
    const end = await cpu();
    const d = (k) => end[k] - start[k];
    return { thread: d('thread'), process: d('process'), machine: d('machine'), wall: d('wall') };
  };
}

// The whole machine's CPU time (every process: the browser's own reading
// the files included), from Linux's /proc/stat in ms, beside the wall clock;
// NaN elsewhere. On two cores a load can be bound by all of it together.
function machineCpu() {
  const wall = performance.now();
  try {
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    const busy = ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4];
    return { machine: busy * 10, wall };
  } catch {
    return { machine: NaN, wall };
  }
}

// A reader of a page's counters (Chromium's Performance.getMetrics), by name.
async function countersOf(page) {
  const session = await context.newCDPSession(page);
  await session.send('Performance.enable');
  return async () => Object.fromEntries((await session.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
}
const floorCpu = [];
const loadCpu = [];

// The app in a page of its own, idle, its workers warmed up.
async function openApp() {
  const page = await context.newPage();
  if (process.env.NO_WORKERS) await page.addInitScript(() => { delete window.Worker; });
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    document.addEventListener('change', (e) => {
      if (e.target?.dataset?.testid === 'file-input') { window.__t0 = performance.now(); performance.mark('load-start'); }
    }, true);
    new MutationObserver(() => {
      const app = document.querySelector('[data-testid="app"]');
      if (app && app.dataset.state === 'ready' && window.__t0 && !window.__tReady) { window.__tReady = performance.now(); performance.mark('load-ready'); }
      if (app && app.dataset.state === 'loading' && !window.__tLoading) window.__tLoading = performance.now();
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const tStart = Date.now();
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="app"][data-state="idle"]');
  const firstRender = Date.now() - tStart;
  // A person takes more than a second to pick files; the ingest workers warm up
  // meanwhile (worker_warm_up in src/main.rs). WARM=0 drops at once.
  await page.waitForTimeout(Number(process.env.WARM ?? 1000));
  return { page, firstRender };
}

// One load through the file input, to data-state="ready": how long it
// took, and the main thread's long tasks meanwhile.
async function loadInto(page) {
  await page.setInputFiles('[data-testid="file-input"]', files, { timeout: 600_000 });
  const cpu = await cpuMeter(page);
  await page.waitForFunction(() => window.__tReady, null, { timeout: 600_000, polling: 100 });
  loadCpu.push(await cpu());
  return page.evaluate(() => ({
    readyMs: window.__tReady - window.__t0,
    // The views' last catch-up, from its first stage to ready: what the
    // page adds after the last answer is merged.
    lastCatchUp: window.__tReady - Math.max(0, ...performance.getEntriesByName('stage 0', 'mark').map((m) => m.startTime)),
    lastRead: Math.max(0, ...performance.getEntriesByName('lane read', 'mark').map((m) => m.startTime)) - window.__t0,
    tasks: window.__longtasks.filter((t) => t.start >= window.__t0 - 50),
  }));
}

const mid = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const floors = [];
const loads = [];
for (let i = 1; i < repeat; i++) {
  floors.push(await measureFloor());
  const { page } = await openApp();
  loads.push(await loadInto(page));
  await page.close();
}
floors.push(await measureFloor());
const { page, firstRender } = await openApp();
// PROFILE=load or PROFILE=filter: a CPU profile of the page during the load,
// or during the filter change, summed by function.
const cdp = process.env.PROFILE ? await context.newCDPSession(page) : null;
async function profileStart(what) {
  if (cdp && process.env.PROFILE === what) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
}
async function profileEnd(what) {
  if (!cdp || process.env.PROFILE !== what) return;
  const { profile } = await cdp.send('Profiler.stop');
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const gaps = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) || 0) + (gaps[i] || 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  for (const [k, ms] of top) console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  // Every stretch of over 50 ms without an idle sample (a long task, near
  // enough), with the app's own functions on its stacks by inclusive time.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const stack = (id) => {
    const names = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byNode.get(n).callFrame.functionName;
      if (/tlsrpt_viewer::|^(de)?serialize|leptos|tachys/.test(name)) names.add(name.replace(/::h[0-9a-f]{16}$/, ''));
    }
    return names;
  };
  // CALLERS=name: where the samples in a function came from (its callers' chains).
  if (process.env.CALLERS) {
    const by = new Map();
    profile.samples.forEach((id, i) => {
      if (byNode.get(id).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '') !== process.env.CALLERS) return;
      const chain = [];
      for (let n = parent.get(id); n !== undefined && chain.length < 4; n = parent.get(n)) chain.push(byNode.get(n).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '').slice(-60) || '(anonymous)');
      const k = chain.join(' < ');
      by.set(k, (by.get(k) || 0) + (gaps[i] || 0) / 1000);
    });
    console.log(`  callers of ${process.env.CALLERS}:`);
    for (const [k, ms] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${ms.toFixed(0).padStart(5)} ms  ${k}`);
  }
  // WITHIN=name: self time of the functions under a function (its inclusive time, split).
  if (process.env.WITHIN) {
    const by = new Map();
    profile.samples.forEach((id, i) => {
      let inside = false;
      for (let n = id; n !== undefined; n = parent.get(n)) if (byNode.get(n).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '') === process.env.WITHIN) inside = true;
      if (!inside) return;
      const k = byNode.get(id).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '').slice(0, 120) || '(anonymous)';
      by.set(k, (by.get(k) || 0) + (gaps[i] || 0) / 1000);
    });
    console.log(`  within ${process.env.WITHIN}, by self time:`);
    for (const [k, ms] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${ms.toFixed(1).padStart(6)} ms  ${k}`);
  }
  // The whole profile: busy time, and the app's functions by inclusive time.
  const whole = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = (gaps[i] || 0) / 1000;
    if (byNode.get(id).callFrame.functionName === '(idle)') return;
    busy += dt;
    for (const k of stack(id)) whole.set(k, (whole.get(k) || 0) + dt);
  });
  console.log(`  busy ${busy.toFixed(0)} ms in all, of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled; by inclusive time:`);
  for (const [k, ms] of [...whole.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP || 25))) console.log(`    ${ms.toFixed(0).padStart(5)} ms  ${k.slice(0, 140)}`);
  let run = null;
  const flush = () => {
    if (run && run.ms > 50) {
      console.log(`  busy stretch ${run.ms.toFixed(0)} ms:`);
      for (const [k, ms] of [...run.by.entries()].sort((a, b) => b[1] - a[1]).filter(([k]) => !process.env.APP_ONLY || k.includes("tlsrpt_viewer")).slice(0, process.env.APP_ONLY ? 40 : 12)) console.log(`    ${ms.toFixed(0).padStart(5)} ms  ${k.slice(0, 140)}`);
    }
    run = null;
  };
  profile.samples.forEach((id, i) => {
    const dt = (gaps[i] || 0) / 1000;
    if (byNode.get(id).callFrame.functionName === '(idle)') return flush();
    run ??= { ms: 0, by: new Map() };
    run.ms += dt;
    for (const k of stack(id)) run.by.set(k, (run.by.get(k) || 0) + dt);
    const own = `self: ${byNode.get(id).callFrame.functionName || '(anonymous)'}`;
    run.by.set(own, (run.by.get(own) || 0) + dt);
  });
  flush();
}
await profileStart('load');
// TRACE=1: main-thread time by trace event (layout, style, script, messages…),
// between two performance marks.
const tracer = process.env.TRACE ? await context.newCDPSession(page) : null;
let traced = [];
async function traceStart() {
  if (!tracer) return;
  traced = [];
  tracer.removeAllListeners('Tracing.dataCollected');
  tracer.on('Tracing.dataCollected', (e) => traced.push(...e.value));
  // TRACE=workers also samples every thread's JavaScript and wasm (the
  // ingest workers included, which a page's CPU profile does not show).
  const sampling = process.env.TRACE === 'workers' ? ',disabled-by-default-v8.cpu_profiler' : '';
  await tracer.send('Tracing.start', { categories: `devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing${sampling}${process.env.TRACE_CATS ? `,${process.env.TRACE_CATS}` : ""}`, transferMode: 'ReportEvents' });
}
async function traceEnd(startMark, endMark) {
  if (!tracer) return;
  const done = new Promise((resolve) => tracer.once('Tracing.tracingComplete', resolve));
  await tracer.send('Tracing.end');
  await done;
  const at = (n) => traced.find((e) => e.name === n)?.ts;
  const [from, to] = [at(startMark) ?? 0, at(endMark) ?? Infinity];
  const events = traced.filter((e) => e.ph === 'X' && e.ts >= from && e.ts <= to);
  console.log(`traced ${startMark} to ${endMark}: ${((to - from) / 1000).toFixed(0)} ms`);
  // TRACE_DUMP=FILE writes the events between the marks, for a closer look.
  if (process.env.TRACE_DUMP) fs.writeFileSync(`${process.env.TRACE_DUMP}.${startMark}.json`, JSON.stringify({ from, events: traced.filter((e) => e.ts >= from && e.ts <= to) }));
  if (process.env.TRACE === 'workers') samplesByThread(from, to);
  // The renderer's main thread: the one with the most RunTask time.
  const byThread = new Map();
  for (const e of events) if (e.name === 'RunTask') byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) || 0) + e.dur);
  for (const [thread, dur] of [...byThread.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)) {
    const sums = new Map();
    for (const e of events) if (`${e.pid}:${e.tid}` === thread && e.name !== 'RunTask' && !e.name.startsWith('V8.')) sums.set(e.name, (sums.get(e.name) || 0) + e.dur);
    console.log(`  thread ${thread}: busy ${(dur / 1000).toFixed(0)} ms`);
    for (const [k, d] of [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP || 8))) console.log(`  ${(d / 1000).toFixed(0).padStart(7)} ms  ${k}`);
    // Each task over 50 ms, with what ran inside it (outermost events by name).
    const mine = events.filter((e) => `${e.pid}:${e.tid}` === thread);
    for (const t of mine.filter((e) => e.name === 'RunTask' && e.dur > 50_000)) {
      const inside = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask');
      const top = inside.filter((e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur));
      const by = new Map();
      for (const e of top) by.set(e.name, (by.get(e.name) || 0) + e.dur);
      const what = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, d]) => `${k} ${(d / 1000).toFixed(0)}`).join(', ');
      console.log(`    task of ${(t.dur / 1000).toFixed(0)} ms at ${((t.ts - from) / 1000).toFixed(0)} ms: ${what}`);
    }
  }
}
// The sampled profiles in a trace (TRACE=workers), by thread: each thread's
// functions by self time between two timestamps.
function samplesByThread(from, to) {
  const threads = new Map();
  for (const e of traced) {
    if (e.name !== 'ProfileChunk' || !e.args?.data?.cpuProfile) continue;
    const key = `${e.pid}:${e.tid}`;
    // Sample times count from the thread's Profile event, else its first chunk.
    const t = threads.get(key) || { nodes: new Map(), self: new Map(), busy: 0,
      ts: traced.find((x) => x.name === 'Profile' && `${x.pid}:${x.tid}` === key)?.args?.data?.startTime ?? e.ts };
    threads.set(key, t);
    const { cpuProfile, timeDeltas } = e.args.data;
    for (const n of cpuProfile.nodes || []) t.nodes.set(n.id, n.callFrame);
    (cpuProfile.samples || []).forEach((id, i) => {
      t.ts += timeDeltas[i];
      if (t.ts < from || t.ts > to) return;
      const f = t.nodes.get(id);
      const name = f ? f.functionName || '(anonymous)' : '?';
      if (name === '(idle)') return;
      const dt = (timeDeltas[i + 1] ?? 100) / 1000;
      t.busy += dt;
      t.self.set(name, (t.self.get(name) || 0) + dt);
    });
  }
  for (const [key, t] of threads) {
    if (t.busy < 20) continue;
    console.log(`  sampled thread ${key}: ${t.busy.toFixed(0)} ms`);
    for (const [k, ms] of [...t.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP || 12))) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k.replace(/::h[0-9a-f]{16}$/, '').slice(0, 120)}`);
  }
}
// The page's main-thread time during the load, by kind (Chromium's own
// counters): steadier than the wall-clock time when comparing two builds.
const counters = await countersOf(page);
const before = await counters();
await traceStart();
loads.push(await loadInto(page));
const after = await counters();
await traceEnd('load-start', 'load-ready');
await profileEnd('load');
const cpuOf = (xs, k) => mid(xs.map((x) => x[k]));
// The page's own main-thread CPU, what a build can change: a load's less its floor's.
console.log(`main-thread CPU per load ${loadCpu.map((c) => c.thread.toFixed(0)).join(', ')} ms, per floor ${floorCpu.map((c) => c.thread.toFixed(0)).join(', ')} ms: the page's own ~${(cpuOf(loadCpu, 'thread') - cpuOf(floorCpu, 'thread')).toFixed(0)} ms (medians); the page's process, workers included, ${cpuOf(loadCpu, 'process').toFixed(0)} ms against ${cpuOf(floorCpu, 'process').toFixed(0)} ms; the machine (${os.cpus().length} cores, every process) ${cpuOf(loadCpu, 'machine').toFixed(0)} ms in ${cpuOf(loadCpu, 'wall').toFixed(0)} ms against ${cpuOf(floorCpu, 'machine').toFixed(0)} ms in ${cpuOf(floorCpu, 'wall').toFixed(0)} ms`);
// Memory is read after a garbage collection: what the page keeps, not the
// garbage of the load (a worker's answer waits for the collector once merged).
const gcSession = await context.newCDPSession(page);
await gcSession.send('HeapProfiler.collectGarbage');
const r = await page.evaluate(() => {
  const t0 = window.__t0;
  return {
    engine: document.querySelector('[data-testid="app"]').dataset.engine,
    reports: Number(document.querySelector('[data-testid="kpi-reports"]').dataset.value),
    failed: Number(document.querySelector('[data-testid="kpi-failed"]').dataset.value),
    // The longest catch-up of each stage of the views (src/ui/stages.rs).
    stages: performance.getEntriesByType('measure').filter((m) => m.name.startsWith('stage ') && m.startTime >= t0)
      .reduce((a, m) => ({ ...a, [m.name]: Math.max(a[m.name] || 0, Math.round(m.duration)) }), {}),
    // All the stages' catch-ups during the load: what showing it cost the page.
    stagesTotal: performance.getEntriesByType('measure').filter((m) => m.name.startsWith('stage ') && m.startTime >= t0)
      .reduce((a, m) => ({ ms: a.ms + m.duration, n: a.n + 1 }), { ms: 0, n: 0 }),
    jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
    wasm: globalThis.tlsrptMemory ? globalThis.tlsrptMemory.buffer.byteLength : null,
  };
});
// Filter change: click the first domain row; time until the KPI shows the new value, painted.
await traceStart();
await profileStart('filter');
const filterMs = await page.evaluate(async () => {
  performance.mark('filter-start');
  const kpi = document.querySelector('[data-testid="kpi-reports"]');
  const before = kpi.dataset.value;
  // Nodes added per section while the filter change renders (NODES=1).
  window.__added = {};
  const mo = new MutationObserver((list) => {
    for (const m of list) for (const n of m.addedNodes) {
      const sec = (n.nodeType === 1 ? n : n.parentElement)?.closest('section, nav, div.toolbar');
      const key = sec ? (sec.id || sec.getAttribute('aria-labelledby') || sec.className) : 'other';
      window.__added[key] = (window.__added[key] || 0) + (n.nodeType === 1 ? 1 + n.querySelectorAll('*').length : 1);
    }
  });
  mo.observe(document.body, { subtree: true, childList: true });
  const t = performance.now();
  document.querySelector('[data-testid="domain-row"]').click();
  await new Promise((resolve) => {
    const check = () => (kpi.dataset.value !== before ? requestAnimationFrame(() => resolve()) : setTimeout(check, 0));
    check();
  });
  performance.mark('filter-shown');
  const ms = performance.now() - t;
  mo.disconnect();
  return ms;
});
await traceEnd('filter-start', 'filter-shown');
if (process.env.NODES) console.log('nodes added by the filter change, by section:', JSON.stringify(await page.evaluate(() => window.__added)));
await profileEnd('filter');
// Four more times, each to another domain (clearing the filter between),
// for a median: one filter change on this machine varies by ±40 %.
const filterRuns = [filterMs];
for (let i = 0; i < 4; i++) {
  filterRuns.push(await page.evaluate(async (i) => {
    const kpi = document.querySelector('[data-testid="kpi-reports"]');
    const changed = (from) => new Promise((resolve) => {
      const check = () => (kpi.dataset.value !== from ? requestAnimationFrame(() => resolve()) : setTimeout(check, 0));
      check();
    });
    let before = kpi.dataset.value;
    document.querySelector('[data-testid="clear-filters"]').click();
    await changed(before);
    await new Promise((r) => setTimeout(r, 300));
    before = kpi.dataset.value;
    // Another domain each time: a filter not seen before is worked out, where
    // the same one again would come from the views' cache of recent overviews.
    const rows = document.querySelectorAll('[data-testid="domain-row"]');
    const row = rows[(i + 1) % rows.length];
    const t = performance.now();
    row.click();
    await changed(before);
    return performance.now() - t;
  }, i));
}
const median = [...filterRuns].sort((a, b) => a - b)[2];
// Every load's long tasks; the median load and floor (each run's ratio too).
const tasks = loads.flatMap((l) => l.tasks);
Object.assign(r, {
  longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
  longTasks: tasks.length,
  over100: tasks.filter((t) => t.duration > 100).length,
  over50: tasks.filter((t) => t.duration > 50).length,
});
r.readyMs = mid(loads.map((l) => l.readyMs));
const readFloor = { ms: mid(floors) };
// Each load is paired with the floor measured just before it, so a slow
// spell of the machine weighs on both: the ratio is the median of the
// pairs' ratios (the ratio of the two medians is printed beside it).
const ratio = mid(loads.map((l, i) => l.readyMs / floors[i]));
const runs = loads.map((l, i) => `${l.readyMs.toFixed(0)}/${floors[i].toFixed(0)} ms = ${(l.readyMs / floors[i]).toFixed(2)}x (last catch-up ${l.lastCatchUp.toFixed(0)} ms, last read ${l.lastRead.toFixed(0)} ms)`);
const mb = (n) => (n == null ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
const ok = r.reports === expected.unique_reports && r.failed === expected.total_failed;
console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${r.reports} unique reports (${ok ? 'matches expected.json' : 'MISMATCH with expected.json'})`);
console.log(`first render ${firstRender} ms; drop to ready ${r.readyMs.toFixed(0)} ms (${(r.reports / (r.readyMs / 1000)).toFixed(0)} reports/s, ${(bytes / 1e6 / (r.readyMs / 1000)).toFixed(1)} MB/s)`);
console.log(`read floor (main thread, ArrayBuffers only) ${readFloor.ms.toFixed(0)} ms; ready at ${ratio.toFixed(2)}x the floor${loads.length > 1 ? ` (the medians' ratio ${(r.readyMs / readFloor.ms).toFixed(2)}x)` : ''}; engine ${r.engine}`);
if (loads.length > 1) console.log(`medians of ${loads.length} runs, each load after a floor of its own: ${runs.join(', ')}; long tasks over all ${loads.length} loads`);
const spent = (k) => ((after[k] - before[k]) * 1000).toFixed(0);
console.log(`main thread during the load (with the file input's own work): busy ${spent('TaskDuration')} ms, script ${spent('ScriptDuration')} ms, layout ${spent('LayoutDuration')} ms, style ${spent('RecalcStyleDuration')} ms`);
console.log(`longest task ${r.longestTask.toFixed(0)} ms (${r.longTasks} long tasks, ${r.over50} over 50 ms, ${r.over100} over 100 ms)`);
console.log(`longest stage of the views: ${Object.entries(r.stages).map(([k, v]) => `${k.slice(6)}: ${v} ms`).join(', ')}`);
console.log(`the views' catch-ups during the load: ${r.stagesTotal.n}, ${Math.round(r.stagesTotal.ms)} ms in all`);
console.log(`memory after load: JS heap ${mb(r.jsHeap)} + wasm ${mb(r.wasm)} = ${mb((r.jsHeap || 0) + (r.wasm || 0))}`);
console.log(`filter change shown in ${filterMs.toFixed(0)} ms; median of ${filterRuns.length} ${median.toFixed(0)} ms (${filterRuns.map((x) => x.toFixed(0)).join(', ')})`);
await context.close();
server.close();
process.exit(ok ? 0 : 1);
