// Shared helpers for the browser tests: Chromium without network noise, a
// request log, and readers for the page's test hooks (../shared/contract.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Keep Chromium itself off the network: nothing but localhost resolves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export const OUT = path.resolve('tests/e2e/out');
fs.mkdirSync(OUT, { recursive: true });

/** Launches Chromium with a fresh profile. */
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsrpt-chrome-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
}

/** Every request a page makes, for the privacy check. */
export function recordRequests(page, log) {
  page.on('request', (r) => log.push(r.url()));
}

export async function waitReady(page, timeout = 120_000) {
  await page.waitForSelector('[data-testid="app"][data-state="ready"]', { timeout });
}

export async function kpi(page, id) {
  return Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
}

/** The data-* attributes of every element with a test id, as objects. */
export async function hookRows(page, testid) {
  // textContent when innerText is empty: a row scrolled out of view may not be laid out.
  return page.$$eval(`[data-testid="${testid}"]`, (els) => els.map((e) => ({ ...e.dataset, text: e.innerText || e.textContent })));
}

/** Drops files on the drop zone through a synthetic DragEvent carrying a real DataTransfer. */
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: path.basename(f), b64: fs.readFileSync(f).toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name));
    }
    const zone = document.querySelector('[data-testid="drop-zone"]');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
}

/** JSON with object keys sorted, so comparisons ignore key order. */
function canon(v) {
  return JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : x));
}

/** Minimal assertion collection: a test records every mismatch, then fails once. */
export class Check {
  constructor(name) { this.name = name; this.problems = []; }
  eq(got, want, what) {
    if (canon(got) !== canon(want)) this.problems.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  ok(cond, what) { if (!cond) this.problems.push(what); }
  done() {
    if (this.problems.length) throw new Error(`${this.problems.length} mismatch(es):\n  ${this.problems.slice(0, 30).join('\n  ')}`);
  }
}

/** Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** CSV text as objects keyed by the header row; every row must have every column. */
export function csvRecords(text) {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => {
    if (r.length !== head.length) throw new Error(`CSV row has ${r.length} fields, header has ${head.length}: ${r.join('|')}`);
    return Object.fromEntries(head.map((h, i) => [h, r[i]]));
  });
}

/** Thrown by a test that cannot run here; the runner prints SKIPPED with the reason. */
export class Skip extends Error {}

/** A zip archive (deflated entries, central directory) of { name: Buffer }. */
export function makeZip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const body = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed
    common.writeUInt16LE(0, 2); // flags
    common.writeUInt16LE(8, 4); // deflate
    common.writeUInt32LE(0, 6); // time, date
    common.writeUInt32LE(zlib.crc32(data) >>> 0, 10);
    common.writeUInt32LE(body.length, 14);
    common.writeUInt32LE(data.length, 18);
    common.writeUInt16LE(nameBuf.length, 22);
    common.writeUInt16LE(0, 24);
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), common, nameBuf, body]);
    // comment length, disk number, internal and external attributes, then the offset
    const tail = Buffer.alloc(14);
    tail.writeUInt32LE(offset, 10);
    central.push(Buffer.concat([Buffer.from([0x50, 0x4b, 1, 2, 20, 0]), common, tail, nameBuf]));
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Pastes text on the page as Ctrl+V outside a text field does. */
export async function pasteText(page, text) {
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

/**
 * Drops groups of files on the drop zone from inside the page, `gapMs` apart,
 * optionally pasting text after the last group and clicking a selector:
 * in-page timers keep the gaps exact, whatever the test driver's latency.
 * Resolves to the app's data-state seen just before each later group.
 */
export async function dropSequence(page, groups, { gapMs = 20, paste = null, clickAfter = null } = {}) {
  const payload = groups.map((files) => files.map((f) => ({ name: path.basename(f), b64: fs.readFileSync(f).toString('base64') })));
  return page.evaluate(async ({ groups, gapMs, paste, clickAfter }) => {
    const toFile = ({ name, b64 }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return new File([bytes], name);
    };
    const prepared = groups.map((g) => g.map(toFile));
    const zone = document.querySelector('[data-testid="drop-zone"]');
    const state = () => document.querySelector('[data-testid="app"]').dataset.state;
    const drop = (files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(f);
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    };
    const wait = (ms) => new Promise((r) => setTimeout(r, ms));
    const seen = [];
    drop(prepared[0]);
    // The page marks itself loading a few milliseconds after a drop; start
    // the clock from there, so the gaps fall inside the load.
    for (let t = 0; t < 1000 && state() !== 'loading'; t += 2) await wait(2);
    for (const files of prepared.slice(1)) {
      await wait(gapMs);
      seen.push(state());
      drop(files);
    }
    if (paste !== null) {
      await wait(gapMs);
      seen.push(state());
      const dt = new DataTransfer();
      dt.setData('text/plain', paste);
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }
    if (clickAfter) {
      await wait(gapMs);
      seen.push(state());
      document.querySelector(clickAfter)?.click();
    }
    return seen;
  }, { groups: payload, gapMs, paste, clickAfter });
}

const AXE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is. axe is
 * evaluated by the test through the DevTools protocol: it is not shipped
 * with the app and the page's CSP stays untouched.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target?.join(' ')} — ${v.nodes[0]?.failureSummary?.split('\n').slice(0, 2).join(' ')}`);
  });
}

// A full-page screenshot with every panel painted: panels off screen skip
// rendering (content-visibility: auto) until scrolled to, and a full-page
// shot does not scroll. Set through the CSSOM, which the page's CSP allows.
export async function fullShot(page, file) {
  await page.evaluate(() => document.querySelectorAll('.panel').forEach((p) => { p.style.contentVisibility = 'visible'; }));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: file, fullPage: true });
  await page.evaluate(() => document.querySelectorAll('.panel').forEach((p) => { p.style.contentVisibility = ''; }));
}
