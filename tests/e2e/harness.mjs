// Shared helpers for the browser tests: Chromium without network noise, a
// request log, and readers for the page's test hooks (../shared/contract.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  return page.$$eval(`[data-testid="${testid}"]`, (els) => els.map((e) => ({ ...e.dataset, text: e.innerText })));
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
