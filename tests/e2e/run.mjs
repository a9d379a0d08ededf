// Browser end-to-end tests against the release build in dist/, served on
// 127.0.0.1 at / and under a sub-path. Run by scripts/test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { serve } from './server.mjs';
import { launch, recordRequests, waitReady, kpi, hookRows, dropFiles, pasteText, Check, OUT, csvRecords, Skip, makeZip, dropSequence, axeViolations, fullShot } from './harness.mjs';

const SHARED = path.resolve('../shared');
const GEN = path.join(SHARED, 'tools/gen_corpus.py');
const HAVE_SHARED = fs.existsSync(GEN);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsrpt-e2e-'));

/** Every file of the build, relative to dist/. */
function listBuilt(dir, rel = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? listBuilt(path.join(dir, e.name), rel + e.name + '/')
    : [rel + e.name]);
}

/** A generated corpus and its ground truth. */
function generate(name, args) {
  const dir = path.join(tmp, name);
  execFileSync('python3', [GEN, dir, ...args], { stdio: 'pipe' });
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const files = fs.readdirSync(path.join(dir, 'files')).sort().map((f) => path.join(dir, 'files', f));
  return { files, expected };
}

/** Writes `reports` as one JSON file named after `name`, loads it through the file input, waits until ready. */
async function loadReports(page, name, reports) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'all.json'), JSON.stringify(reports));
  await page.setInputFiles('[data-testid="file-input"]', [path.join(dir, 'all.json')]);
  await waitReady(page);
}

/** Checks KPIs, table rows and file rows against a gen_corpus expected.json. */
async function checkAgainstExpected(page, expected, given, c) {
  c.eq(await kpi(page, 'kpi-reports'), expected.unique_reports, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), expected.total_successful, 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), expected.total_failed, 'kpi-failed');
  c.eq(await kpi(page, 'kpi-domains'), Object.keys(expected.by_domain).filter((d) => d !== '').length, 'kpi-domains');
  c.eq(await kpi(page, 'kpi-orgs'), Object.keys(expected.by_organization).length, 'kpi-orgs');
  c.eq(+(await page.getAttribute('[data-testid="file-list"]', 'data-total')), given, 'file-list data-total');
  const domains = Object.fromEntries((await hookRows(page, 'domain-row')).map((r) => [r.domain, { successful: +r.successful, failed: +r.failed }]));
  c.eq(domains, expected.by_domain, 'domain rows');
  const orgs = Object.fromEntries((await hookRows(page, 'org-row')).map((r) => [r.org, { reports: +r.reports, successful: +r.successful, failed: +r.failed }]));
  c.eq(orgs, expected.by_organization, 'org rows');
  const types = Object.fromEntries((await hookRows(page, 'result-type-row')).map((r) => [r.resultType, +r.sessions]));
  c.eq(types, expected.by_result_type, 'result-type rows');
  const files = await hookRows(page, 'file-row');
  // One row per file given. (expected.files can be larger: the generator writes a
  // report delivered twice in the same container to the same name, once.)
  c.eq(files.length, given, 'file rows');
  c.eq(given, Object.keys(expected.file_contents).length, 'files on disk vs manifest');
  for (const f of files) {
    c.ok(f.status !== 'error', `${f.file} has status error: ${f.text}`);
    const want = expected.file_contents[f.file];
    c.ok(want !== undefined, `unexpected file row ${f.file}`);
    if (want) c.eq(+f.reports, want.length, `data-reports of ${f.file}`);
  }
}

const tests = [];
/**
 * A browser test; `init` runs in the page before any of its scripts
 * (page.addInitScript). With `{ app: false }` the runner does not wait for
 * the app to mount (a test of a page that cannot start).
 */
const test = (name, fn, init = null, { app = true } = {}) => tests.push({ name, fn, init, app });

test('page opens idle with an explanation and the samples button', async (page) => {
  const c = new Check();
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-state'), 'idle', 'data-state');
  c.ok((await page.textContent('body')).includes('RFC 8460'), 'intro mentions RFC 8460');
  c.ok(await page.isVisible('[data-testid="try-samples"]'), 'samples button visible');
  await fullShot(page, path.join(OUT, 'idle.png'));
  c.done();
});

test('sample reports load, tables sort, screenshot', async (page) => {
  const c = new Check();
  await page.click('[data-testid="try-samples"]');
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), 10, 'unique sample reports');
  const files = await hookRows(page, 'file-row');
  c.eq(files.length, 10, 'sample file rows');
  c.ok(files.every((f) => f.status !== 'error'), 'no sample is an error');
  c.ok((await hookRows(page, 'result-type-row')).length >= 3, 'result types shown');
  // Sorting: the domain column ascending, then descending.
  const header = page.locator('section[aria-labelledby="domains-title"] th button', { hasText: 'Domain' });
  await header.click();
  const asc = (await hookRows(page, 'domain-row')).map((r) => r.domain);
  await header.click();
  const desc = (await hookRows(page, 'domain-row')).map((r) => r.domain);
  c.eq(asc, [...asc].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), 'ascending by domain');
  c.eq(desc, [...asc].reverse(), 'descending by domain');
  await fullShot(page, path.join(OUT, 'samples.png'));
  c.done();
});

test('files through the file input match expected.json', async (page) => {
  const c = new Check();
  if (!HAVE_SHARED) {
    // Stand-alone clone: the real fixtures in the repo, checked for totals only.
    const dir = path.resolve('tests/fixtures/real');
    const names = fs.readdirSync(dir).filter((n) => /\.json(\.gz)?$/.test(n) && n !== 'expected.json');
    await page.setInputFiles('[data-testid="file-input"]', names.map((n) => path.join(dir, n)));
    await waitReady(page);
    const rows = await hookRows(page, 'file-row');
    c.eq(rows.length, names.length, 'file rows');
    c.ok(rows.every((r) => r.status !== 'error'), 'no real fixture is an error');
    console.log('    (generated corpora SKIPPED: ../shared is not beside the repository; in-repo fixtures checked instead)');
    return c.done();
  }
  const { files, expected } = generate('input', ['--reports', '400', '--containers', 'json,gz', '--seed', '11']);
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  await checkAgainstExpected(page, expected, files.length, c);
  await page.screenshot({ path: path.join(OUT, 'generated.png') });
  c.done();
});

test('files dropped on the drop zone match expected.json', async (page) => {
  const c = new Check();
  if (!HAVE_SHARED) {
    const dir = path.resolve('tests/fixtures/real');
    await dropFiles(page, [path.join(dir, 'parsedmarc__rfc8460.json'), path.join(dir, 'parsedmarc__mail.ru.json')]);
    await waitReady(page);
    c.eq(await kpi(page, 'kpi-reports'), 2, 'kpi-reports');
    c.eq(await kpi(page, 'kpi-failed'), 304, 'kpi-failed');
    return c.done();
  }
  const { files, expected } = generate('drop', ['--reports', '80', '--containers', 'json,gz', '--seed', '12']);
  await dropFiles(page, files);
  await waitReady(page);
  await checkAgainstExpected(page, expected, files.length, c);
  c.done();
});

test('broken files get a clear per-file error and the rest still load', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'broken');
  fs.mkdirSync(dir, { recursive: true });
  const gz = fs.readFileSync('tests/fixtures/real/internet-message-parser__google.com!digilicious.com!1641686400!1641772799!001.json.gz');
  const files = {
    'truncated.json.gz': gz.subarray(0, Math.floor(gz.length / 2)),
    'junk.bin': Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x99, 0x01]),
    'not-a-report.json': Buffer.from('{"organization-name":"x","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":5}'),
    'negative.json': Buffer.from('{"date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"a.example"},"summary":{"total-successful-session-count":-4,"total-failure-session-count":0}}]}'),
    'syntax.json': Buffer.from('{"policies": [\n  {"policy": }\n]}'),
    // 100 MB of spaces in about 100 KB: past the 64 MB cap per stream.
    'bomb.json.gz': zlib.gzipSync(Buffer.alloc(100 << 20, 0x20), { level: 9 }),
    'good.json': fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json'),
  };
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  await page.setInputFiles('[data-testid="file-input"]', Object.keys(files).map((n) => path.join(dir, n)));
  await waitReady(page);
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  const expectError = {
    'truncated.json.gz': 'truncated',
    'junk.bin': 'not a TLS report',
    'not-a-report.json': 'policies should be an array',
    'negative.json': 'negative',
    'syntax.json': 'line 2, column',
    'bomb.json.gz': 'possible decompression bomb',
  };
  for (const [n, phrase] of Object.entries(expectError)) {
    c.eq(rows[n]?.status, 'error', `${n} status`);
    c.ok(rows[n]?.text.includes(phrase), `${n} reason mentions "${phrase}": ${rows[n]?.text}`);
  }
  c.ok(['ok', 'warning'].includes(rows['good.json']?.status), 'good file loads');
  c.eq(await kpi(page, 'kpi-reports'), 1, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), 5326, 'kpi-successful');
  await fullShot(page, path.join(OUT, 'errors.png'));
  c.done();
});


for (const seed of [21, 22]) {
  test(`every container (json, gz, eml, mbox, zip), seed ${seed}, matches expected.json`, async (page) => {
    const c = new Check();
    if (!HAVE_SHARED) throw new Skip('../shared is not beside the repository');
    const { files, expected } = generate(`all-${seed}`, ['--reports', '500', '--seed', String(seed), '--dup-rate', '0.1']);
    await page.setInputFiles('[data-testid="file-input"]', files);
    await waitReady(page);
    await checkAgainstExpected(page, expected, files.length, c);
    if (seed === 21) await page.screenshot({ path: path.join(OUT, 'containers.png'), fullPage: false });
    c.done();
  });
}

// Two workers (whatever the machine has), so each takes two of the zip's
// four parts, the second without the file's bytes while it may still be
// reading the file itself (big files go to the workers as File objects).
test('a big zip and a big mailbox are read in parts by several workers and match expected.json', async (page) => {
  const c = new Check();
  if (!HAVE_SHARED) throw new Skip('../shared is not beside the repository');
  const corpora = [
    generate('big-zip', ['--reports', '11000', '--containers', 'zip', '--batch', '11000', '--seed', '31']),
    generate('big-mbox', ['--reports', '2500', '--containers', 'mbox', '--batch', '2500', '--seed', '32']),
  ];
  c.ok(fs.statSync(corpora[0].files[0]).size > 4 << 20, 'the zip is read in more parts than there are workers');
  for (const [i, { files, expected }] of corpora.entries()) {
    c.ok(fs.statSync(files[0]).size >= 2 << 20, 'the file is big enough to be split');
    if (i > 0) await page.reload();
    await page.waitForSelector('[data-testid="app"][data-state="idle"]');
    await page.setInputFiles('[data-testid="file-input"]', files);
    await waitReady(page);
    c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'workers', 'engine');
    c.eq(await page.getAttribute('[data-testid="app"]', 'data-split-files'), '1', 'the file was read in parts');
    c.eq(await page.getAttribute('[data-testid="app"]', 'data-worker-read-files'), '1', 'the workers read the file themselves');
    await checkAgainstExpected(page, expected, files.length, c);
  }
  c.done();
}, () => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 2 }));

test('a big file of JSON documents is read whole by a worker, from its File', async (page) => {
  const c = new Check();
  if (!HAVE_SHARED) throw new Skip('../shared is not beside the repository');
  const { files, expected } = generate('big-json', ['--reports', '2500', '--containers', 'json', '--seed', '33']);
  // Every report of the corpus, one document after another, in one file.
  const big = path.join(tmp, 'big-json-all.json');
  fs.writeFileSync(big, files.map((f) => fs.readFileSync(f, 'utf8').trim()).join('\n'));
  c.ok(fs.statSync(big).size > 1 << 20, 'the file is big enough to go to a worker as a File');
  await page.setInputFiles('[data-testid="file-input"]', [big]);
  await waitReady(page);
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-worker-read-files'), '1', 'the workers read the file themselves');
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-split-files'), null, 'a JSON file is not split');
  c.eq(await kpi(page, 'kpi-reports'), expected.unique_reports, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), expected.total_successful, 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), expected.total_failed, 'kpi-failed');
  const types = Object.fromEntries((await hookRows(page, 'result-type-row')).map((r) => [r.resultType, +r.sessions]));
  c.eq(types, expected.by_result_type, 'result-type rows');
  c.done();
});

test('real e-mails load with the numbers of their attachments', async (page) => {
  const c = new Check();
  const golden = JSON.parse(fs.readFileSync('tests/fixtures/real-expected.json', 'utf8'));
  const dir = HAVE_SHARED ? path.join(SHARED, 'corpus/real') : path.resolve('tests/fixtures/real');
  const names = fs.readdirSync(dir).filter((n) => /\.(eml|elm)$/.test(n)).sort();
  c.ok(names.length >= 5, `found ${names.length} e-mails`);
  await page.setInputFiles('[data-testid="file-input"]', names.map((n) => path.join(dir, n)));
  await waitReady(page);
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  const unique = new Map();
  for (const n of names) {
    c.ok(rows[n] && rows[n].status !== 'error', `${n} loads: ${rows[n]?.text}`);
    c.eq(+rows[n]?.reports, golden[n].length, `reports in ${n}`);
    for (const r of golden[n]) if (!unique.has(r.organization + '|' + r.report_id)) unique.set(r.organization + '|' + r.report_id, r);
  }
  const sum = (k) => [...unique.values()].reduce((a, r) => a + r[k], 0);
  c.eq(await kpi(page, 'kpi-reports'), unique.size, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), sum('successful'), 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), sum('failed'), 'kpi-failed');
  c.done();
});

test('a picked folder loads every file inside, one row each', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'folder');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const src = path.resolve('tests/fixtures/real');
  fs.copyFileSync(path.join(src, 'parsedmarc__rfc8460.json'), path.join(dir, 'a.json'));
  fs.copyFileSync(path.join(src, 'mox__microsoft.eml'), path.join(dir, 'sub', 'b.eml'));
  fs.copyFileSync(path.join(src, 'parsedmarc__mail.ru.json'), path.join(dir, 'sub', 'c.json'));
  await page.setInputFiles('[data-testid="folder-input"]', dir);
  await waitReady(page);
  const rows = await hookRows(page, 'file-row');
  c.eq(rows.map((r) => r.file).sort(), ['a.json', 'b.eml', 'c.json'], 'file rows');
  c.ok(rows.some((r) => r.path === 'folder/sub/b.eml'), `folder path kept: ${rows.map((r) => r.path)}`);
  c.eq(await kpi(page, 'kpi-reports'), 3, 'kpi-reports');
  c.done();
});

test('a file\'s details list its problems when opened, in one list of files', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'details');
  fs.mkdirSync(dir, { recursive: true });
  const good = fs.readFileSync('tests/fixtures/real/parsedmarc__mail.ru.json');
  // A byte-order mark is read with a warning; a truncated file is an error.
  fs.writeFileSync(path.join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
  fs.writeFileSync(path.join(dir, 'cut.json'), good.subarray(0, 40));
  fs.writeFileSync(path.join(dir, 'fine.json'), JSON.stringify({
    'organization-name': 'Example', 'report-id': 'r-fine', 'contact-info': 'tlsrpt@example.net',
    'date-range': { 'start-datetime': '2026-05-01T00:00:00Z', 'end-datetime': '2026-05-01T23:59:59Z' },
    policies: [{ policy: { 'policy-type': 'no-policy-found', 'policy-domain': 'fine.example' },
      summary: { 'total-successful-session-count': 3, 'total-failure-session-count': 0 } }],
  }));
  await page.setInputFiles('[data-testid="file-input"]', ['bom.json', 'cut.json', 'fine.json'].map((f) => path.join(dir, f)));
  await waitReady(page);
  c.eq(await page.$$eval('ul.file-list', (l) => l.length), 1, 'one list');
  c.eq(await page.$$eval('ul.file-list > li', (l) => l.length), 3, 'a row per file in it');
  const bom = '[data-testid="file-row"][data-file="bom.json"]';
  c.eq(await page.$$eval(`${bom} .problems li`, (l) => l.length), 0, 'nothing listed before opening');
  await page.click(`${bom} summary`);
  const items = await page.$$eval(`${bom} .problems li`, (l) => l.map((e) => [e.className, e.textContent]));
  c.ok(items.length > 1 && items.every(([k]) => k === 'warning') && /byte-order mark/.test(items[0][1]), `its warnings, once open: ${JSON.stringify(items)}`);
  c.eq(await page.getAttribute(`${bom} details`, 'open'), '', 'the details are open');
  const cut = '[data-testid="file-row"][data-file="cut.json"]';
  await page.focus(`${cut} summary`);
  await page.keyboard.press('Enter');
  const cutItems = await page.$$eval(`${cut} .problems li`, (l) => l.map((e) => e.className));
  c.ok(cutItems.includes('error'), `the error, opened from the keyboard: ${cutItems}`);
  c.eq(await page.$$eval('[data-testid="file-row"][data-file="fine.json"] details', (l) => l.length), 0, 'a clean file has no details');
  c.done();
});

test('pasting report JSON loads it (Ctrl+V and the paste box)', async (page) => {
  const c = new Check();
  await pasteText(page, fs.readFileSync('tests/fixtures/real/parsedmarc__mail.ru.json', 'utf8'));
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), 1, 'after Ctrl+V');
  await page.click('.paste summary');
  await page.fill('[data-testid="paste-input"]', fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json', 'utf8'));
  await page.click('[data-testid="paste-load"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-row"]').length === 2);
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), 2, 'after the paste box');
  c.eq((await hookRows(page, 'file-row')).map((r) => r.file), ['pasted-1.json', 'pasted-2.json'], 'pasted rows');
  c.done();
});

test('names reach the page intact: short and long, ASCII and not', async (page) => {
  const c = new Check();
  // Strings from the module are made by hand when short and ASCII, by
  // TextDecoder otherwise (scripts/finalize.mjs): each kind must arrive whole.
  const names = ['Zürich Mail', 'Почта', '日本', 'Plain Org', `Long ${'x'.repeat(70)}`, `Lang ${'ü'.repeat(40)}`];
  const base = JSON.parse(fs.readFileSync('tests/fixtures/real/parsedmarc__mail.ru.json', 'utf8'));
  const reports = names.map((org, i) => ({ ...base, 'organization-name': org, 'report-id': `names-${i}` }));
  await pasteText(page, JSON.stringify(reports));
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), names.length, 'every report loaded');
  const rows = await hookRows(page, 'org-row');
  c.eq(rows.map((r) => r.org).sort(), [...names].sort(), 'data-org of each organization row');
  for (const name of names) c.ok(rows.some((r) => r.text.includes(name)), `shown: ${name}`);
  // The search folds case beyond ASCII (the browser's toLowerCase, src/text.rs).
  for (const [typed, org] of [['ZÜRICH', 'Zürich Mail'], ['ПОЧТА', 'Почта'], ['plain ORG', 'Plain Org']]) {
    await page.fill('[data-testid="filter-text"]', typed);
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-reports"]')?.dataset.value === '1');
    c.eq((await hookRows(page, 'org-row')).map((r) => r.org), [org], `searching "${typed}" keeps ${org}`);
  }
  c.done();
});

test('duplicates across containers count once and are listed', async (page) => {
  const c = new Check();
  const dir = path.resolve('tests/fixtures/real');
  const files = ['internet-message-parser__google-digilicious.com-2022-01-09.eml',
    'internet-message-parser__google.com!digilicious.com!1641686400!1641772799!001.json.gz'];
  await page.setInputFiles('[data-testid="file-input"]', files.map((f) => path.join(dir, f)));
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), 1, 'one unique report');
  const rows = await hookRows(page, 'file-row');
  c.ok(rows[1].text.includes('already loaded'), `second delivery marked: ${rows[1].text}`);
  c.ok((await page.textContent('#files-title + span')).includes('1 duplicate delivery skipped'), 'summary counts duplicates');
  c.done();
});

test('malformed e-mail, mailbox and zip files get clear per-file errors', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'malformed');
  fs.mkdirSync(dir, { recursive: true });
  const good = fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json');
  const files = {
    'no-report.eml': Buffer.from('From: a@example.com\r\nSubject: lunch?\r\nContent-Type: text/plain\r\n\r\nNoon?\r\n'),
    'empty.mbox': Buffer.from('From someone Mon Jan  1 00:00:00 2024\nSubject: hi\n\nnothing here\n'),
    'broken.zip': Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 0x41)]),
    'good.json': good,
  };
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  await page.setInputFiles('[data-testid="file-input"]', Object.keys(files).map((n) => path.join(dir, n)));
  await waitReady(page);
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  for (const [n, phrase] of [['no-report.eml', 'no TLS report attached'], ['empty.mbox', 'no TLS report found'], ['broken.zip', 'zip']]) {
    c.eq(rows[n]?.status, 'error', `${n} status`);
    c.ok(rows[n]?.text.includes(phrase), `${n} reason mentions "${phrase}": ${rows[n]?.text}`);
  }
  c.eq(await kpi(page, 'kpi-reports'), 1, 'the good file still loads');
  c.done();
});


test('drill-down, filters in the URL, clear, exports read back, inspector', async (page) => {
  const c = new Check();
  let files, expected;
  if (HAVE_SHARED) {
    ({ files, expected } = generate('drill', ['--reports', '300', '--seed', '31', '--containers', 'json,gz,eml', '--days', '10']));
  } else {
    console.log('    (generated corpus SKIPPED: using the in-repo fixtures)');
    const dir = path.resolve('tests/fixtures/real');
    files = fs.readdirSync(dir).filter((n) => /\.json$/.test(n)).map((n) => path.join(dir, n));
  }
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  const all = { reports: await kpi(page, 'kpi-reports'), ok: await kpi(page, 'kpi-successful'), failed: await kpi(page, 'kpi-failed') };

  // Timeline: one hook per day with data, numbers from expected.json.
  const days = await hookRows(page, 'timeline-day');
  if (expected) {
    const got = Object.fromEntries(days.filter((d) => +d.successful + +d.failed > 0).map((d) => [d.day, { successful: +d.successful, failed: +d.failed }]));
    c.eq(got, expected.by_day, 'timeline days');
  }
  await fullShot(page, path.join(OUT, 'analysis.png'));

  // Click a domain row: every view narrows to it, KPIs included.
  const domains = await hookRows(page, 'domain-row');
  const target = domains[0];
  await page.click(`[data-testid="domain-row"][data-domain="${target.domain}"]`);
  await page.waitForFunction((d) => location.hash.includes('domain='), target.domain);
  c.eq(await kpi(page, 'kpi-successful'), +target.successful, 'kpi-successful after domain click');
  c.eq(await kpi(page, 'kpi-failed'), +target.failed, 'kpi-failed after domain click');
  c.eq((await hookRows(page, 'domain-row')).length, 1, 'domain table narrowed');
  c.ok((await hookRows(page, 'filter-chip')).some((ch) => ch.text.includes(target.domain)), 'chip shows the domain');
  c.eq(await page.inputValue('[data-testid="filter-domain"]'), target.domain, 'the domain select shows the domain');

  // The hash keeps the view across a reload (data is reloaded by the user; the filter stays).
  const hash = await page.evaluate(() => location.hash);
  await page.reload();
  await page.waitForSelector('[data-testid="app"]');
  c.eq(await page.evaluate(() => location.hash), hash, 'hash survives reload');
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-successful'), +target.successful, 'filter restored from the hash');
  // The select's options come with the data, after the filter: it still shows it.
  c.eq(await page.inputValue('[data-testid="filter-domain"]'), target.domain, 'the domain select shows the restored filter');

  // Exports honour the filter; read them back.
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  const csv = csvRecords(fs.readFileSync(await csvDl.path(), 'utf8'));
  const sumCol = (name) => csv.reduce((a, r) => a + Number(r[name]), 0);
  const counted = csv.filter((r) => r['counted-in-totals'] === 'yes');
  c.eq(counted.reduce((a, r) => a + Number(r['total-successful-session-count']), 0), +target.successful, 'CSV successful sum (counted entries)');
  c.eq(counted.reduce((a, r) => a + Number(r['total-failure-session-count']), 0), +target.failed, 'CSV failed sum (counted entries)');
  c.ok(csv.length > 0 && sumCol('total-successful-session-count') >= +target.successful, 'CSV has every entry');
  c.ok(csv.every((r) => r['policy-domain'] === target.domain), 'CSV rows are the domain');
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const doc = JSON.parse(fs.readFileSync(await jsonDl.path(), 'utf8'));
  c.eq(doc.reports.length, await kpi(page, 'kpi-reports'), 'JSON report count');
  const jsonFailed = doc.reports.flatMap((r) => r.policies).reduce((a, p) => a + p.summary['total-failure-session-count'], 0);
  c.eq(jsonFailed, +target.failed, 'JSON failed sum');

  // Clear brings back everything.
  await page.click('[data-testid="clear-filters"]');
  await page.waitForFunction(() => !location.hash.includes('domain='));
  c.eq(await page.inputValue('[data-testid="filter-domain"]'), '*all*', 'the domain select is back on All');
  // Choosing in a select filters too.
  await page.selectOption('[data-testid="filter-domain"]', target.domain);
  await page.waitForFunction(() => location.hash.includes('domain='));
  c.eq(await kpi(page, 'kpi-successful'), +target.successful, 'kpi-successful after choosing the domain');
  await page.click('[data-testid="clear-filters"]');
  await page.waitForFunction(() => !location.hash.includes('domain='));
  c.eq(await kpi(page, 'kpi-reports'), all.reports, 'kpi-reports after clear');
  c.eq(await kpi(page, 'kpi-successful'), all.ok, 'kpi-successful after clear');

  // A day: KPIs become that day's numbers.
  const day = (await hookRows(page, 'timeline-day')).find((d) => +d.failed > 0);
  if (day) {
    await page.click(`[data-testid="timeline-day"][data-day="${day.day}"]`);
    await page.waitForFunction((d) => location.hash.includes(`from=${d}`), day.day);
    c.eq(await kpi(page, 'kpi-successful'), +day.successful, 'kpi-successful after day click');
    c.eq(await kpi(page, 'kpi-failed'), +day.failed, 'kpi-failed after day click');
    await page.click('[data-testid="clear-filters"]');
  }

  // A result type: its row is the only one left.
  const rt = (await hookRows(page, 'result-type-row'))[0];
  if (rt) {
    await page.click(`[data-testid="result-type-row"][data-result-type="${rt.resultType}"]`);
    await page.waitForFunction(() => location.hash.includes('result='));
    const left = await hookRows(page, 'result-type-row');
    c.eq(left.map((r) => [r.resultType, +r.sessions]), [[rt.resultType, +rt.sessions]], 'result-type rows after click');
    c.ok(await kpi(page, 'kpi-reports') < all.reports, 'fewer reports under a result-type filter');
    await page.click('[data-testid="clear-filters"]');
  }

  // Paged lists move forward: failure details and reports.
  if (HAVE_SHARED) c.ok(await page.locator('nav[aria-label="Report pages"]').count() === 1, 'the 300-report corpus has report pages');
  for (const nav of ['Failure details pages', 'Report pages']) {
    const pager = page.locator(`nav[aria-label="${nav}"]`);
    if (!(await pager.count())) continue;
    const rowId = nav.startsWith('Failure') ? 'failure-row' : 'report-row';
    const before = (await hookRows(page, rowId)).map((r) => r.text).join('|');
    await pager.locator('button', { hasText: 'Next' }).click();
    await page.waitForFunction((t) => document.querySelector(`nav[aria-label="${t}"] span`).textContent.startsWith('page 2'), nav);
    c.ok((await hookRows(page, rowId)).map((r) => r.text).join('|') !== before, `${nav}: page 2 shows other rows`);
    await pager.locator('button', { hasText: 'Previous' }).click();
  }

  // Inspector: open a report, see its raw JSON.
  await page.click('[data-testid="open-report"] >> nth=0');
  await page.waitForSelector('[data-testid="report-detail"]');
  const raw = await page.textContent('[data-testid="report-raw"]');
  c.ok(raw.includes('"organization-name"') && raw.includes('"policies"'), 'raw JSON shown');
  c.done();
});


/** `n` copies of a real report with distinct report-ids, and their totals. */
function reportCopies(n, prefix) {
  const base = JSON.parse(fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json', 'utf8'));
  const files = {};
  for (let i = 0; i < n; i++) {
    files[`${prefix}-${String(i).padStart(5, '0')}.json`] = Buffer.from(JSON.stringify({ ...base, 'report-id': `${prefix}-${i}` }));
  }
  const ok = base.policies.reduce((a, p) => a + p.summary['total-successful-session-count'], 0);
  const failed = base.policies.reduce((a, p) => a + p.summary['total-failure-session-count'], 0);
  return { files, ok, failed };
}

test('a second drop and a paste during a running load lose nothing', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'queue');
  fs.mkdirSync(dir, { recursive: true });
  const big = reportCopies(20000, 'big');
  fs.writeFileSync(path.join(dir, 'big.zip'), makeZip(big.files));
  const small = reportCopies(2, 'small');
  for (const [n, b] of Object.entries(small.files)) fs.writeFileSync(path.join(dir, n), b);
  const pasted = JSON.stringify({ ...JSON.parse(fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json', 'utf8')), 'report-id': 'pasted-1' });
  const seen = await dropSequence(page, [[path.join(dir, 'big.zip')], Object.keys(small.files).map((n) => path.join(dir, n))], { gapMs: 20, paste: pasted });
  await waitReady(page);
  c.eq(seen, ['loading', 'loading'], 'the second drop and the paste arrived while the archive was loading');
  c.eq(await kpi(page, 'kpi-reports'), 20003, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), big.ok * 20003, 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), big.failed * 20003, 'kpi-failed');
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  c.eq(+rows['big.zip']?.reports, 20000, 'every report of the archive');
  c.ok(rows['big.zip']?.status !== 'error', 'the archive row');
  for (const n of Object.keys(small.files)) c.eq(+rows[n]?.reports, 1, `${n} reports`);
  c.eq(+rows['pasted-1.json']?.reports, 1, 'the pasted report');
  c.eq(await page.getAttribute('[data-testid="file-list"]', 'data-total'), '4', 'file-list data-total');
  c.done();
});

test('cancel stops a load and keeps what was loaded', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'cancel');
  fs.mkdirSync(dir, { recursive: true });
  const big = reportCopies(50000, 'c');
  fs.writeFileSync(path.join(dir, 'big.zip'), makeZip(big.files));
  const after = reportCopies(3, 'after');
  for (const [n, b] of Object.entries(after.files)) fs.writeFileSync(path.join(dir, n), b);
  await page.setInputFiles('[data-testid="file-input"]', [path.join(dir, 'big.zip'), ...Object.keys(after.files).map((n) => path.join(dir, n))]);
  await page.waitForSelector('[data-testid="cancel-load"]', { timeout: 10_000 });
  // force: no waiting for the button to be "stable" while the bar moves.
  await page.click('[data-testid="cancel-load"]', { force: true, timeout: 10_000 });
  await waitReady(page);
  const rows = await hookRows(page, 'file-row');
  c.eq(rows.length, 4, 'a row for every file given');
  const loaded = rows.reduce((a, r) => a + +r.reports, 0);
  c.eq(await kpi(page, 'kpi-reports'), loaded, 'KPIs cover exactly what was loaded');
  c.eq(await kpi(page, 'kpi-successful'), big.ok * loaded, 'sessions of what was loaded');
  c.ok(loaded < 50003, `the load stopped early (${loaded} reports)`);
  c.ok(rows.some((r) => /cancelled/.test(r.text)), 'rows say the load was cancelled');
  c.ok(!(await page.isVisible('[data-testid="cancel-load"]')), 'no cancel button once stopped');
  c.done();
});

test('breakdown rows select exactly, by click, Enter and Space', async (page) => {
  const c = new Check();
  const detail = (ip, n, mx) => ({ 'result-type': 'certificate-expired', 'receiving-ip': ip, 'receiving-mx-hostname': mx, 'sending-mta-ip': '192.0.2.1', 'failed-session-count': n });
  const rep = (id, domain, details) => ({
    'organization-name': 'Exact Org', 'report-id': id, 'contact-info': 'x@example.net',
    'date-range': { 'start-datetime': '2026-03-01T00:00:00Z', 'end-datetime': '2026-03-01T23:59:59Z' },
    policies: [{ policy: { 'policy-type': 'sts', 'policy-domain': domain, 'policy-string': ['version: STSv1', 'mode: enforce', 'mx: mx.example.net', 'max_age: 86400'] },
      summary: { 'total-successful-session-count': 10, 'total-failure-session-count': details.reduce((a, d) => a + d['failed-session-count'], 0) },
      'failure-details': details }],
  });
  const dir = path.join(tmp, 'exact');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify(rep('e1', 'a.example', [detail('10.0.0.1', 3, 'mx.example.net')])));
  fs.writeFileSync(path.join(dir, 'ten.json'), JSON.stringify(rep('e2', 'b.example', [detail('10.0.0.10', 5, 'mx.example.net.evil')])));
  await page.setInputFiles('[data-testid="file-input"]', ['one.json', 'ten.json'].map((n) => path.join(dir, n)));
  await waitReady(page);
  const row = (kind, key) => `[data-testid="breakdown-row"][data-kind="${kind}"][data-key="${key}"]`;
  c.eq(+(await page.getAttribute(row('receiving-ip', '10.0.0.1'), 'data-sessions')), 3, 'data-sessions of 10.0.0.1');
  await page.click(row('receiving-ip', '10.0.0.1'));
  await page.waitForFunction(() => location.hash.includes('rip=10.0.0.1'));
  c.eq(await kpi(page, 'kpi-failed'), 3, 'kpi-failed for 10.0.0.1 (not 10.0.0.10)');
  c.eq((await hookRows(page, 'failure-row')).length, 1, 'one failure detail');
  c.ok((await hookRows(page, 'filter-chip')).some((ch) => ch.text.includes('receiving IP: 10.0.0.1')), 'a chip shows the filter');
  await page.click('[data-testid="clear-filters"]');
  await page.waitForFunction(() => !location.hash.includes('rip='));
  // Enter on a focused MX row selects it; Space on it clears it again.
  await page.focus(row('receiving-mx', 'mx.example.net'));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('mx=mx.example.net'));
  c.eq(await kpi(page, 'kpi-failed'), 3, 'kpi-failed for mx.example.net (not mx.example.net.evil)');
  c.eq(await page.getAttribute(row('receiving-mx', 'mx.example.net'), 'aria-selected'), 'true', 'the row says it is selected');
  await page.focus(row('receiving-mx', 'mx.example.net'));
  await page.keyboard.press(' ');
  await page.waitForFunction(() => !location.hash.includes('mx='));
  c.eq(await kpi(page, 'kpi-failed'), 8, 'Space cleared the filter');
  // Space selects a sending-IP row and a policy row too.
  await page.focus(row('sending-ip', '192.0.2.1'));
  await page.keyboard.press(' ');
  await page.waitForFunction(() => location.hash.includes('sip='));
  c.eq(await kpi(page, 'kpi-failed'), 8, 'both reports come from 192.0.2.1');
  c.done();
});

test('one domain under two policies is counted once; no domain is not a domain', async (page) => {
  const c = new Check();
  const golden = JSON.parse(fs.readFileSync('tests/fixtures/real-expected.json', 'utf8'));
  const name = 'dmarc-report-viewer__microsoft.json';
  const nodomain = {
    'organization-name': 'Postfix', 'report-id': 'nd-1',
    'date-range': { 'start-datetime': '2026-03-02T00:00:00Z', 'end-datetime': '2026-03-02T23:59:59Z' },
    policies: [{ policy: { 'policy-type': 'no-policy-found' }, summary: { 'total-successful-session-count': 7, 'total-failure-session-count': 0 } }],
  };
  const dir = path.join(tmp, 'rule');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nodomain.json'), JSON.stringify(nodomain));
  await page.setInputFiles('[data-testid="file-input"]', [path.resolve('tests/fixtures/real', name), path.join(dir, 'nodomain.json')]);
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-successful'), golden[name][0].successful + 7, 'sessions counted once per report and domain');
  c.eq(await kpi(page, 'kpi-domains'), 1, 'the entry without a domain is not a domain');
  const rows = await hookRows(page, 'domain-row');
  const real = rows.find((r) => r.domain !== '');
  c.eq(+real.successful, golden[name][0].successful, 'domain row under the session rule');
  c.ok(/several policies/.test(real.text), `domain row notes the double evaluation: ${real.text}`);
  const policyRows = await hookRows(page, 'breakdown-row');
  c.ok(policyRows.filter((r) => r.kind === 'policy').length >= 2, 'both policies stay in the policy breakdown');
  c.done();
});

/** Loads every in-repo real fixture and checks the totals against their golden file. */
async function loadRealFixtures(page, c) {
  const dir = path.resolve('tests/fixtures/real');
  const names = fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md');
  await page.setInputFiles('[data-testid="file-input"]', names.map((n) => path.join(dir, n)));
  await waitReady(page);
  const golden = JSON.parse(fs.readFileSync('tests/fixtures/real-expected.json', 'utf8'));
  const unique = new Map();
  for (const n of names) for (const r of golden[n] || []) unique.set(`${r.organization}|${r.report_id}`, r);
  c.eq(await kpi(page, 'kpi-reports'), unique.size, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-successful'), [...unique.values()].reduce((a, r) => a + r.successful, 0), 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), [...unique.values()].reduce((a, r) => a + r.failed, 0), 'kpi-failed');
  c.eq(+(await page.getAttribute('[data-testid="file-list"]', 'data-total')), names.length, 'file-list data-total');
  return names;
}

test('files are read in workers, and the data-engine hook says so', async (page) => {
  const c = new Check();
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'workers', 'engine before a load');
  await loadRealFixtures(page, c);
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'workers', 'engine after a load');
  c.done();
});

/**
 * Makes each ingest worker the page has started drop the first batch of
 * several files (`doomed` = 'several') or holding a part of a big file
 * ('part') and die of an uncaught error, as a worker the browser stops for
 * want of memory does. The fresh workers the page starts in their place are
 * not touched.
 */
async function crashWorkersOnce(page, c, doomed) {
  let workers = page.workers();
  for (let i = 0; i < 100 && workers.length === 0; i++) {
    await page.waitForTimeout(50);
    workers = page.workers();
  }
  c.ok(workers.length > 0, 'the page started ingest workers');
  for (const w of workers) {
    await w.evaluate(async (doomed) => {
      while (typeof self.onmessage !== 'function') await new Promise((resolve) => setTimeout(resolve, 10));
      const handle = self.onmessage;
      // A batch comes as a list of files, or, for small files read together
      // (src/ui/lane.js), as parallel arrays.
      const pick = doomed === 'part'
        ? (m) => m.files && m.files.some((f) => f.parts)
        : (m) => (m.files || m.seqs || []).length > 1;
      let dropped = false;
      self.onmessage = (e) => {
        if (!dropped && !e.data.module && pick(e.data)) {
          dropped = true;
          setTimeout(() => { throw new Error('simulated worker crash'); });
          return;
        }
        handle(e);
      };
    }, doomed);
  }
}

test('a worker that dies loses no file: what it held is read again, each file alone', async (page) => {
  const c = new Check();
  // A batch of several files is lost; files sent alone are left alone.
  await crashWorkersOnce(page, c, 'several');
  const names = await loadRealFixtures(page, c);
  const retried = +(await page.getAttribute('[data-testid="app"]', 'data-worker-retries'));
  c.ok(retried > 1, `files read again after the crash: ${retried}`);
  const rows = await hookRows(page, 'file-row');
  c.eq(rows.length, names.length, 'file rows');
  c.eq(rows.filter((r) => r.status === 'error').map((r) => `${r.file}: ${r.text}`), [], 'error rows');
  c.done();
});

test('a worker that dies reading a part of a big mailbox loses no report: the part goes to another', async (page) => {
  const c = new Check();
  // 300 copies of one real e-mail in a 2.6 MB mailbox, read in two parts;
  // the workers' first part is lost with them.
  const eml = fs.readFileSync('tests/fixtures/real/mox__microsoft.eml', 'latin1').replace(/\r\n/g, '\n');
  const copies = 300;
  const mbox = path.join(tmp, 'crash.mbox');
  fs.writeFileSync(mbox, Array.from({ length: copies }, () => `From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n${eml.trimEnd()}\n\n`).join(''), 'latin1');
  c.ok(fs.statSync(mbox).size >= 2 << 20, 'the mailbox is big enough to be read in parts');
  await crashWorkersOnce(page, c, 'part');
  await page.setInputFiles('[data-testid="file-input"]', [mbox]);
  await waitReady(page);
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-split-files'), '1', 'the file was read in parts');
  c.ok(+(await page.getAttribute('[data-testid="app"]', 'data-worker-retries')) >= 1, 'a part was handed again');
  const golden = JSON.parse(fs.readFileSync('tests/fixtures/real-expected.json', 'utf8'))['mox__microsoft.eml'];
  c.eq(await kpi(page, 'kpi-reports'), golden.length, 'kpi-reports (the copies are one report)');
  c.eq(await kpi(page, 'kpi-successful'), golden.reduce((a, r) => a + r.successful, 0), 'kpi-successful');
  c.eq(await kpi(page, 'kpi-failed'), golden.reduce((a, r) => a + r.failed, 0), 'kpi-failed');
  const [row] = await hookRows(page, 'file-row');
  c.eq(row.status === 'error' ? row.text : 'no error', 'no error', 'the mailbox row');
  c.eq(+row.reports, copies * golden.length, 'reports found, copies included');
  c.done();
}, () => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 2 }));

test('many files read together: one the browser cannot read and one big mailbox among them each get their due', async (page) => {
  const c = new Check();
  // Small files are read together and handed to a worker as one batch
  // (src/ui/lane.js); a batch with a file the browser cannot read, or one
  // big enough to be read in parts, is booked file by file instead.
  const dir = path.join(tmp, 'lane-mix');
  fs.mkdirSync(dir, { recursive: true });
  const good = reportCopies(20, 'lane');
  for (const [n, b] of Object.entries(good.files)) fs.writeFileSync(path.join(dir, n), b);
  fs.writeFileSync(path.join(dir, 'vanishing.json'), '{}');
  const eml = fs.readFileSync('tests/fixtures/real/mox__microsoft.eml', 'latin1').replace(/\r\n/g, '\n');
  const mbox = path.join(dir, 'big.mbox');
  fs.writeFileSync(mbox, Array.from({ length: 300 }, () => `From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n${eml.trimEnd()}\n\n`).join(''), 'latin1');
  c.ok(fs.statSync(mbox).size >= 2 << 20, 'the mailbox is big enough to be read in parts');
  await page.setInputFiles('[data-testid="file-input"]', fs.readdirSync(dir).sort().map((n) => path.join(dir, n)));
  await waitReady(page);
  const golden = JSON.parse(fs.readFileSync('tests/fixtures/real-expected.json', 'utf8'))['mox__microsoft.eml'];
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-split-files'), '1', 'the mailbox was read in parts');
  c.eq(await kpi(page, 'kpi-reports'), 20 + golden.length, 'kpi-reports');
  c.eq(await kpi(page, 'kpi-failed'), good.failed * 20 + golden.reduce((a, r) => a + r.failed, 0), 'kpi-failed');
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  c.eq(Object.keys(rows).length, 22, 'a row for every file');
  c.eq(rows['vanishing.json']?.status, 'error', 'the unreadable file is an error row');
  c.ok(/could not read the file: the file went away/.test(rows['vanishing.json']?.text || ''), `its error says why: ${rows['vanishing.json']?.text}`);
  c.eq(+rows['big.mbox']?.reports, 300 * golden.length, 'the mailbox row counts every copy');
  c.eq(Object.values(rows).filter((r) => r.status === 'error').length, 1, 'no other error row');
  c.done();
}, () => {
  Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 2 });
  // The browser fails to read one file, as when it is moved away after being picked.
  const read = Blob.prototype.arrayBuffer;
  Blob.prototype.arrayBuffer = function () {
    return this.name === 'vanishing.json' ? Promise.reject(new Error('the file went away')) : read.call(this);
  };
});

test('views catch up in stages, and "ready" waits for the last of them', async (page) => {
  const c = new Check();
  const dir = path.resolve('tests/fixtures/real');
  let files = fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md').map((n) => path.join(dir, n));
  let want = null;
  if (HAVE_SHARED) {
    const g = generate('stages', ['--reports', '600', '--containers', 'json,gz', '--seed', '23']);
    files = g.files;
    want = g.expected;
  }
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  // Read in the very task that set data-state="ready" (see the init script).
  const at = await page.evaluate(() => window.__atReady);
  c.ok(at !== undefined, 'the page said ready');
  c.eq(at.fileRows, at.fileRowsNow, 'file rows shown when ready');
  c.eq(at.fileTotal, files.length, 'file-list data-total when ready');
  c.eq(at.reports, await kpi(page, 'kpi-reports'), 'kpi-reports when ready');
  c.ok(at.domainRows > 0 && at.domainRows === at.domainRowsNow, `domain rows when ready (${at.domainRows})`);
  c.ok(at.findings, 'the findings summary is shown when ready');
  if (want) c.eq(at.reports, want.unique_reports, 'kpi-reports against expected.json');
  // Every stage mounted in order: the totals never come after the tables.
  c.ok(at.order.indexOf('kpis') !== -1 && at.order.indexOf('kpis') <= at.order.indexOf('files'), `mount order ${at.order.join(',')}`);
  c.eq(await page.evaluate(() => window.__filesWithKpis), false, 'the file list mounted in a later task than the totals');
  c.done();
}, () => {
  window.__mounted = [];
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="app"]');
    for (const [name, sel] of [['kpis', '[data-testid="kpi-reports"]'], ['domains', '[data-testid="domain-row"]'], ['files', '[data-testid="file-list"]']]) {
      if (!window.__mounted.includes(name) && document.querySelector(sel)) window.__mounted.push(name);
    }
    // Observed in the task that mounted the totals: the file list, the last
    // stage, must not have come with them.
    if (window.__mounted.includes('kpis') && window.__filesWithKpis === undefined) {
      window.__filesWithKpis = !!document.querySelector('[data-testid="file-list"]');
    }
    if (app?.dataset.state === 'loading') window.__sawLoading = true;
    // The first "ready" after the load began, whatever is shown by then.
    if (app?.dataset.state === 'ready' && window.__sawLoading && window.__atReady === undefined) {
      const list = document.querySelector('[data-testid="file-list"]');
      window.__atReady = {
        fileTotal: list ? +list.dataset.total : -1,
        fileRows: document.querySelectorAll('[data-testid="file-row"]').length,
        reports: +(document.querySelector('[data-testid="kpi-reports"]')?.dataset.value ?? -1),
        domainRows: document.querySelectorAll('[data-testid="domain-row"]').length,
        findings: !!document.querySelector('[data-testid="findings-summary"]'),
        order: [...window.__mounted],
      };
      // Compared after the load with what the page shows then.
      setTimeout(() => {
        window.__atReady.fileRowsNow = document.querySelectorAll('[data-testid="file-row"]').length;
        window.__atReady.domainRowsNow = document.querySelectorAll('[data-testid="domain-row"]').length;
      }, 0);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
});

test('without workers the same engine runs on the main thread', async (page) => {
  const c = new Check();
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'main-thread', 'engine');
  if (!HAVE_SHARED) {
    // Stand-alone clone: the in-repo fixtures against their golden numbers.
    await loadRealFixtures(page, c);
    c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'main-thread', 'engine after the load');
    console.log('    (generated corpus SKIPPED: ../shared is not beside the repository; in-repo fixtures checked instead)');
    return c.done();
  }
  const { files, expected } = generate('fallback', ['--reports', '300', '--seed', '41', '--dup-rate', '0.1']);
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  await checkAgainstExpected(page, expected, files.length, c);
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'main-thread', 'engine after the load');
  c.done();
}, () => { delete window.Worker; });

test('a browser that cannot run the app says so instead of showing a blank page', async (page) => {
  const c = new Check();
  const alert = await page.waitForSelector('.boot-error[role="alert"]', { timeout: 30_000 });
  const text = await alert.textContent();
  c.ok(text.includes('could not start') && text.includes('no WebAssembly here'), `the reason is shown: ${text}`);
  c.eq(await page.$('[data-testid="app"]'), null, 'no half-mounted app');
  c.done();
}, () => { WebAssembly.compile = () => Promise.reject(new Error('no WebAssembly here')); }, { app: false });

test('the module unpacks without Uint8Array.fromBase64 (older browsers)', async (page) => {
  const c = new Check();
  await page.waitForSelector('[data-testid="app"][data-state="idle"]');
  c.eq(await page.evaluate(() => typeof Uint8Array.fromBase64), 'undefined', 'fromBase64 was taken away');
  await page.click('[data-testid="try-samples"]');
  await waitReady(page);
  c.ok((await kpi(page, 'kpi-reports')) > 0, 'the samples load');
  c.done();
}, () => { delete Uint8Array.fromBase64; });

test('screenshots at desktop and phone width, light and dark; nothing overflows', async (page) => {
  const c = new Check();
  await page.click('[data-testid="try-samples"]');
  await waitReady(page);
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300); // let colour transitions finish before the picture
      await page.screenshot({ path: path.join(OUT, `page-${w}-${scheme}.png`) });
      await fullShot(page, path.join(OUT, `page-${w}-${scheme}-full.png`));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      c.ok(overflow <= 0, `no horizontal overflow at ${w} px ${scheme}: ${overflow} px`);
    }
  }
  // The failure details fit at 1,440 px: the table is no wider than its box.
  await page.setViewportSize({ width: 1440, height: 900 });
  const fits = await page.$eval('#failures-title', (h) => {
    const wrap = h.closest('section').querySelector('.table-wrap');
    return wrap.scrollWidth <= wrap.clientWidth + 1;
  });
  c.ok(fits, 'failure details fit at 1,440 px');
  await page.emulateMedia({ colorScheme: 'light' });
  c.done();
});

test('a failing domain is the first finding', async (page) => {
  const c = new Check();
  const clean = (day, domain, id) => ({
    'organization-name': 'Google Inc.', 'report-id': id, 'contact-info': 'x@example.net',
    'date-range': { 'start-datetime': `2026-05-${String(day).padStart(2, '0')}T00:00:00Z`, 'end-datetime': `2026-05-${String(day).padStart(2, '0')}T23:59:59Z` },
    policies: [{ policy: { 'policy-type': 'sts', 'policy-domain': domain, 'policy-string': ['version: STSv1', 'mode: enforce', `mx: mx.${domain}`, 'max_age: 86400'] },
      summary: { 'total-successful-session-count': 500, 'total-failure-session-count': 0 } }],
  });
  const reports = [];
  for (let d = 1; d <= 20; d++) for (const dom of ['a.example', 'b.example', 'c.example']) reports.push(clean(d, dom, `${dom}-${d}`));
  const bad = clean(19, 'broken.example', 'broken-19');
  bad.policies[0].summary['total-failure-session-count'] = 40;
  bad.policies[0]['failure-details'] = [{ 'result-type': 'certificate-expired', 'receiving-mx-hostname': 'mx.broken.example', 'failed-session-count': 40 }];
  reports.push(bad);
  await loadReports(page, 'finding', reports);
  await page.waitForSelector('[data-testid="finding"]');
  const findings = await hookRows(page, 'finding');
  c.eq([findings[0].severity, findings[0].kind, findings[0].domain], ['critical', 'failing-domain', 'broken.example'], 'first finding');
  c.ok(/certificate-expired/.test(findings[0].text) && /mx\.broken\.example/.test(findings[0].text), `evidence names type and MX: ${findings[0].text}`);
  await page.click('[data-testid="finding"] >> nth=0 >> .finding-title');
  await page.waitForFunction(() => location.hash.includes('domain=broken.example'));
  c.eq(await kpi(page, 'kpi-failed'), 40, 'the finding\'s filter shows its evidence');
  await page.screenshot({ path: path.join(OUT, 'findings.png') });
  c.done();
});

test('1,100 domains: a row each, in order across the table\'s bodies, the tail behind "Show all" and selectable; the select lists the busiest 1,000', async (page) => {
  const c = new Check();
  const n = 1100;
  // Distinct failure counts, so the default order (most failed first) is known.
  const reports = Array.from({ length: n }, (_, i) => ({
    'organization-name': 'Google Inc.', 'report-id': `many-${i}`, 'contact-info': 'x@example.net',
    'date-range': { 'start-datetime': '2026-05-01T00:00:00Z', 'end-datetime': '2026-05-01T23:59:59Z' },
    policies: [{ policy: { 'policy-type': 'no-policy-found', 'policy-domain': `d${i}.example` },
      summary: { 'total-successful-session-count': 1000 + i, 'total-failure-session-count': i + 1 },
      'failure-details': [{ 'result-type': 'validation-failure', 'failed-session-count': i + 1 }] }],
  }));
  await loadReports(page, 'many-domains', reports);
  const rows = await hookRows(page, 'domain-row');
  c.eq(rows.length, n, 'a row per domain once ready');
  c.eq(rows.map((r) => r.domain), Array.from({ length: n }, (_, i) => `d${n - 1 - i}.example`), 'most failed first, across every body');
  c.ok(rows.every((r) => +r.failed === +r.domain.slice(1).split('.')[0] + 1), 'each row\'s failed sessions');
  const visible = () => page.locator('#domains [data-testid="domain-row"]:visible').count();
  c.eq(await visible(), 10, 'ten rows before "Show all"');
  // The domain select: the 1,000 domains with the most sessions, and a line for the rest.
  const options = () => page.$$eval('[data-testid="filter-domain"] option', (os) => os.map((o) => ({ value: o.value, text: o.textContent, disabled: o.disabled })));
  let opts = await options();
  c.eq(opts.length, 1002, 'All, 1,000 domains and a line');
  c.eq(opts.filter((o) => o.value.startsWith('d') && +o.value.slice(1).split('.')[0] < 100).length, 0, 'the quietest 100 are left out');
  c.eq([opts.at(-1).text, opts.at(-1).disabled], ['… and 100 more: find them with Search', true], 'the line says how many');
  await page.click('#domains .show-all');
  c.eq(await visible(), n, 'every row after "Show all"');
  // A row from the last body selects like the first ones.
  const last = page.locator('#domains [data-testid="domain-row"][data-domain="d0.example"]');
  await last.click();
  await page.waitForFunction(() => location.hash.includes('domain=d0.example'));
  c.eq(await kpi(page, 'kpi-failed'), 1, 'the last row\'s filter');
  c.eq(await page.inputValue('[data-testid="filter-domain"]'), 'd0.example', 'a domain left out of the select is listed once selected');
  // A finding per failing domain: "Show all" shows the worst 500, and says so.
  await page.click('[data-testid="clear-filters"]');
  await page.waitForFunction(() => !location.hash.includes('domain='));
  const more = page.locator('#findings button[aria-expanded]');
  c.eq((await more.textContent()).trim(), 'Show the first 500 of 1,100', 'the findings button');
  await more.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding"]').length > 6);
  const shown = await hookRows(page, 'finding');
  c.eq(shown.length, 500, 'at most 500 findings on the page');
  c.eq(shown[0].domain, `d${n - 1}.example`, 'the worst first');
  c.done();
});

test('a 400-day corpus shows weekly buckets whose sums equal the truth', async (page) => {
  const c = new Check();
  if (!HAVE_SHARED) throw new Skip('../shared is not beside the repository (generated corpus)');
  const { files, expected } = generate('weeks', ['--reports', '600', '--seed', '51', '--days', '400', '--containers', 'zip', '--batch', '600']);
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  const buckets = await hookRows(page, 'timeline-bucket');
  c.ok(buckets.length > 50 && buckets.every((b) => b.granularity === 'week'), `weekly buckets: ${buckets.length} ${buckets[0]?.granularity}`);
  // Each bucket's numbers equal the sum of expected.json's days in [from, to].
  for (const b of buckets) {
    let ok = 0, failed = 0;
    for (const [day, v] of Object.entries(expected.by_day)) if (day >= b.from && day <= b.to) { ok += v.successful; failed += v.failed; }
    c.eq([+b.successful, +b.failed], [ok, failed], `week ${b.from}..${b.to}`);
  }
  c.eq(buckets.reduce((a, b) => a + +b.successful, 0), expected.total_successful, 'all weeks add up');
  c.eq(await hookRows(page, 'timeline-day').then((d) => d.length), 0, 'no day hooks at week granularity');
  // By hand: months, then days.
  await page.selectOption('[data-testid="timeline-granularity"]', 'month');
  const months = await hookRows(page, 'timeline-bucket');
  c.ok(months.every((b) => b.granularity === 'month') && months.length >= 13 && months.length <= 15, `months: ${months.length}`);
  c.eq(months.reduce((a, b) => a + +b.failed, 0), expected.total_failed, 'all months add up');
  // Keyboard: the chart is one Tab stop; arrows move, Enter selects a bucket.
  await page.focus('[data-testid="timeline-bucket"][tabindex="0"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('from='));
  c.eq((await hookRows(page, 'timeline-bucket')).filter((b) => b.granularity === 'month').length > 0, true, 'still months');
  await page.screenshot({ path: path.join(OUT, 'timeline-months.png') });
  c.done();
});

test('axe-core finds no WCAG 2.1 A/AA violation: idle, loaded, filtered, inspector open; both themes and widths', async (page) => {
  const c = new Check();
  const sweep = async (state) => {
    for (const [w, h] of [[1440, 900], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForTimeout(250);
        for (const v of await axeViolations(page)) c.ok(false, `${state}, ${w} px, ${scheme}: ${v}`);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  await sweep('idle');
  const dir = path.resolve('tests/fixtures/real');
  await page.setInputFiles('[data-testid="file-input"]', fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md').map((n) => path.join(dir, n)));
  await waitReady(page);
  await sweep('loaded');
  await page.click('[data-testid="domain-row"] >> nth=0');
  await page.waitForFunction(() => location.hash.includes('domain='));
  await sweep('filtered');
  await page.click('[data-testid="clear-filters"]');
  await page.click('[data-testid="open-report"] >> nth=0');
  await page.click('[data-testid="report-detail"] summary');
  await sweep('inspector open');
  c.done();
});

test('keyboard: rows within reach, Enter and Space on every kind of row, visible focus, focus never lost', async (page) => {
  const c = new Check();
  const dir = path.resolve('tests/fixtures/real');
  await page.setInputFiles('[data-testid="file-input"]', fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md').map((n) => path.join(dir, n)));
  await waitReady(page);
  await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
  // Tab from the top of the page to the first domain row.
  const active = () => page.evaluate(() => {
    const e = document.activeElement;
    const st = e ? getComputedStyle(e) : null;
    return { testid: e?.dataset?.testid || '', tag: e?.tagName || '', outline: st ? `${st.outlineStyle} ${st.outlineWidth}` : '', shadow: st?.boxShadow || 'none' };
  });
  let presses = 0;
  let unfocused = [];
  for (; presses < 60; presses++) {
    await page.keyboard.press('Tab');
    const a = await active();
    if (a.tag !== 'BODY' && a.outline.startsWith('none') && a.shadow === 'none') unfocused.push(`${a.tag} ${a.testid}`);
    if (a.testid === 'domain-row') break;
  }
  c.ok(presses + 1 <= 40, `the first domain row took ${presses + 1} Tab presses`);
  c.eq(unfocused, [], 'every focused element shows its focus');
  // Enter and Space on every kind of selectable row.
  const kinds = [['domain-row', 'domain='], ['org-row', 'org='], ['result-type-row', 'result='],
    ['breakdown-row[data-kind="policy"]', 'policy='], ['breakdown-row[data-kind="receiving-mx"]', 'mx='],
    ['breakdown-row[data-kind="receiving-ip"]', 'rip='], ['breakdown-row[data-kind="sending-ip"]', 'sip=']];
  for (const [sel, key] of kinds) {
    const selector = sel.includes('[') ? `[data-testid="${sel.split('[')[0]}"][${sel.split('[')[1]}` : `[data-testid="${sel}"]`;
    for (const keyName of ['Enter', ' ']) {
      await page.focus(`${selector} >> nth=0`);
      await page.keyboard.press(keyName);
      await page.waitForFunction((k) => location.hash.includes(k), key, { timeout: 5000 }).catch(() => c.ok(false, `${sel}: ${JSON.stringify(keyName)} did not filter`));
      const focused = await active();
      c.ok(focused.tag !== 'BODY', `${sel}: focus stays on a control after ${JSON.stringify(keyName)}`);
      // The same key again un-selects it; focus stays.
      await page.keyboard.press(keyName);
      await page.waitForFunction((k) => !location.hash.includes(k), key, { timeout: 5000 }).catch(() => c.ok(false, `${sel}: ${JSON.stringify(keyName)} again did not clear`));
      c.ok((await active()).tag !== 'BODY', `${sel}: focus kept after un-selecting`);
    }
  }
  // Removing a chip keeps focus on the page's controls.
  await page.focus('[data-testid="domain-row"] >> nth=0');
  await page.keyboard.press('Enter');
  await page.click('[data-testid="filter-chip"]');
  await page.waitForTimeout(50);
  c.ok((await active()).tag !== 'BODY', 'focus after removing a chip');
  // Opening a report moves focus into it.
  await page.click('[data-testid="open-report"] >> nth=0');
  await page.waitForSelector('[data-testid="report-detail"]');
  await page.waitForTimeout(50);
  c.eq((await active()).testid, 'report-detail', 'focus moves into the opened report');
  c.eq(await page.getAttribute('[data-testid="open-report"] >> nth=0', 'aria-expanded'), 'true', 'the button says it is open');
  // Closing it from the keyboard: the rows are rebuilt, focus stays on the button.
  await page.focus('[data-testid="open-report"] >> nth=0');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="report-detail"]', { state: 'detached' });
  c.eq((await active()).testid, 'open-report', 'focus stays on the button that closed the report');
  c.eq(await page.getAttribute('[data-testid="open-report"] >> nth=0', 'aria-expanded'), 'false', 'the button says it is closed');
  c.done();
});

test('after "Try sample reports" focus lands on the results', async (page) => {
  const c = new Check();
  await page.focus('[data-testid="try-samples"]');
  await page.keyboard.press('Enter');
  await waitReady(page);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'results', null, { timeout: 5000 })
    .catch(() => c.ok(false, 'focus is not on the results'));
  c.eq(await page.$$eval('h1', (hs) => hs.length), 1, 'one h1 with data loaded');
  const status = await page.textContent('[data-testid="load-status"]');
  c.ok(/files read: 10 unique reports/.test(status), `the status line says what was read: ${status}`);
  c.done();
});

test('sample reports that cannot be loaded say so, and the page stays usable', async (page) => {
  const c = new Check();
  // The samples come from a script of the build's own, imported on demand
  // (scripts/finalize.mjs); here the import fails as it would without it.
  await page.evaluate(() => {
    globalThis.tlsrptSamples = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
  });
  await page.click('[data-testid="try-samples"]');
  await page.waitForSelector('.intro-error:not(:empty)', { timeout: 5000 });
  const alert = await page.textContent('.intro-error');
  c.ok(/sample reports could not be loaded: Failed to fetch/.test(alert), `the page says why: ${alert}`);
  c.eq(await page.getAttribute('[data-testid="app"]', 'data-state'), 'idle', 'nothing is loading');
  await loadReports(page, 'after-failed-samples', [{
    'organization-name': 'Example', 'report-id': 'r-after',
    'date-range': { 'start-datetime': '2026-05-01T00:00:00Z', 'end-datetime': '2026-05-01T23:59:59Z' },
    policies: [{ policy: { 'policy-type': 'no-policy-found', 'policy-domain': 'after.example' },
      summary: { 'total-successful-session-count': 3, 'total-failure-session-count': 0 } }],
  }]);
  c.eq(await kpi(page, 'kpi-reports'), 1, 'files still load');
  c.done();
});

test('parsedmarc-compatible exports read back and agree with the page', async (page) => {
  const c = new Check();
  const dir = path.resolve('tests/fixtures/real');
  await page.setInputFiles('[data-testid="file-input"]', fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md').map((n) => path.join(dir, n)));
  await waitReady(page);
  const reports = await kpi(page, 'kpi-reports');
  const policyRows = (await hookRows(page, 'breakdown-row')).filter((r) => r.kind === 'policy');
  const policyFailed = policyRows.reduce((a, r) => a + +r.sessions, 0);
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-parsedmarc-json"]')]);
  c.eq(jsonDl.suggestedFilename(), 'smtp_tls.json', 'JSON file name');
  const doc = JSON.parse(fs.readFileSync(await jsonDl.path(), 'utf8'));
  c.eq(doc.length, reports, 'one object per unique report');
  c.ok(doc.every((r) => r.organization_name && r.report_id !== undefined && Array.isArray(r.policies)), 'parsedmarc keys');
  c.eq(doc.flatMap((r) => r.policies).reduce((a, p) => a + p.failed_session_count, 0), policyFailed, 'failed sessions per policy, as the policy breakdown');
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-parsedmarc-csv"]')]);
  c.eq(csvDl.suggestedFilename(), 'smtp_tls.csv', 'CSV file name');
  const rows = csvRecords(fs.readFileSync(await csvDl.path(), 'utf8'));
  c.eq(new Set(rows.map((r) => `${r.organization_name}|${r.report_id}`)).size, reports, 'reports in the CSV');
  c.eq(rows.filter((r) => r.result_type === '').reduce((a, r) => a + +r.failed_session_count, 0), policyFailed, 'summary rows add up');
  const types = Object.fromEntries((await hookRows(page, 'result-type-row')).map((r) => [r.resultType, +r.sessions]));
  const fromCsv = {};
  for (const r of rows.filter((r) => r.result_type !== '')) fromCsv[r.result_type] = (fromCsv[r.result_type] || 0) + +r.failed_session_count;
  c.eq(fromCsv, types, 'failure rows add up to the result-type table');
  c.done();
});

test('installable: a manifest with icons, file handlers, and no missing file', async (page) => {
  const c = new Check();
  const href = await page.getAttribute('link[rel="manifest"]', 'href');
  const base = new URL(href, page.url());
  const res = await page.request.get(base.href);
  c.eq(res.status(), 200, 'manifest served');
  const m = await res.json();
  c.eq([m.display, m.start_url, m.scope], ['standalone', './', './'], 'display and relative URLs');
  c.ok(m.icons.some((i) => i.purpose === 'maskable') && m.icons.some((i) => i.sizes === '192x192') && m.icons.some((i) => i.sizes === '512x512'), 'icons at the usual sizes, one maskable');
  for (const icon of m.icons) c.eq((await page.request.get(new URL(icon.src, base).href)).status(), 200, `icon ${icon.src}`);
  const exts = Object.values(m.file_handlers[0].accept).flat();
  for (const e of ['.json', '.gz', '.zip', '.eml', '.mbox', '.tar', '.tgz', '.msg']) c.ok(exts.includes(e), `file handler for ${e}`);
  c.eq(await page.$$eval('meta[name="theme-color"]', (m) => m.length), 2, 'theme colours for light and dark');
  c.done();
});

test('opens report files handed over by the file manager (launchQueue)', async (page) => {
  const c = new Check();
  const json = fs.readFileSync('tests/fixtures/real/parsedmarc__rfc8460.json', 'utf8');
  await page.evaluate((text) => window.__launch({ files: [{ getFile: async () => new File([text], 'opened.json') }] }), json);
  await waitReady(page);
  c.eq(await kpi(page, 'kpi-reports'), 1, 'the launched file loads');
  c.eq((await hookRows(page, 'file-row')).map((r) => r.file), ['opened.json'], 'its row');
  c.done();
}, () => {
  // Chromium has a native launchQueue (read-only): replace it with one the test can drive.
  Object.defineProperty(window, 'launchQueue', { configurable: true, value: { setConsumer(fn) { window.__launch = fn; } } });
});

test('works offline after one visit (service worker)', async (page) => {
  const c = new Check();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first visit is not controlled yet; the second is, and is served from the cache.
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await page.context().setOffline(true);
  try {
    await page.reload();
    await page.waitForSelector('[data-testid="app"][data-state="idle"]', { timeout: 15_000 });
    await page.click('[data-testid="try-samples"]');
    await waitReady(page);
    c.eq(await kpi(page, 'kpi-reports'), 10, 'samples load with the network off');
    c.eq(await page.getAttribute('[data-testid="app"]', 'data-engine'), 'workers', 'workers start offline too');
  } finally {
    await page.context().setOffline(false);
  }
  c.done();
});

test('hostile files dropped with ordinary ones: the page stays responsive and the totals are exact', async (page) => {
  const c = new Check();
  const dir = path.join(tmp, 'hostile-mix');
  fs.mkdirSync(dir, { recursive: true });
  const good = reportCopies(40, 'good');
  const files = {};
  for (const [n, b] of Object.entries(good.files)) files[n] = b;
  // A gzip bomb, 20,000 empty gzip members, a zip of overlapping entries, junk.
  files['bomb.json.gz'] = zlib.gzipSync(Buffer.alloc(200 << 20, 0x20), { level: 9 });
  files['members.gz'] = Buffer.concat(Array.from({ length: 20000 }, () => zlib.gzipSync(Buffer.alloc(0))));
  const one = makeZip({ 'a.json': Buffer.from('{"policies": 1}') });
  const cd = one.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
  const eocd = one.indexOf(Buffer.from([0x50, 0x4b, 5, 6]));
  const entries = Buffer.concat(Array.from({ length: 3000 }, () => one.subarray(cd, eocd)));
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(3000, 8);
  end.writeUInt16LE(3000, 10);
  end.writeUInt32LE(entries.length, 12);
  end.writeUInt32LE(cd, 16);
  files['overlap.zip'] = Buffer.concat([one.subarray(0, cd), entries, end]);
  files['junk.bin'] = Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7919) % 251));
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  await page.setInputFiles('[data-testid="file-input"]', Object.keys(files).map((n) => path.join(dir, n)));
  await waitReady(page, 180_000);
  const longest = await page.evaluate(() => Math.max(0, ...window.__longtasks.filter((t) => t.start >= window.__t0).map((t) => t.duration)));
  c.ok(longest <= 200, `longest main-thread task ${longest.toFixed(0)} ms`);
  c.eq(await kpi(page, 'kpi-reports'), 40, 'the ordinary files\' reports');
  c.eq(await kpi(page, 'kpi-successful'), good.ok * 40, 'their successful sessions');
  c.eq(await kpi(page, 'kpi-failed'), good.failed * 40, 'their failed sessions');
  const rows = Object.fromEntries((await hookRows(page, 'file-row')).map((r) => [r.file, r]));
  for (const n of ['bomb.json.gz', 'members.gz', 'overlap.zip', 'junk.bin']) c.eq(rows[n]?.status, 'error', `${n} is an error row: ${rows[n]?.text}`);
  c.done();
}, () => {
  window.__longtasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', () => { window.__t0 = performance.now(); }, true);
});

test('check your setup: a valid and an invalid record, and a policy file', async (page) => {
  const c = new Check();
  const verdict = async () => ({
    valid: await page.getAttribute('[data-testid="record-verdict"]', 'data-valid'),
    text: await page.textContent('[data-testid="record-verdict"]'),
  });
  await page.fill('[data-testid="record-input"]', 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com');
  let v = await verdict();
  c.eq(v.valid, 'true', 'valid record');
  c.ok(v.text.includes('Valid TLSRPT record'), `valid text: ${v.text}`);
  await page.fill('[data-testid="record-input"]', 'v=TLSRPTv1; ru=mailto:tlsrpt@example.com');
  v = await verdict();
  c.eq(v.valid, 'false', 'invalid record');
  c.ok(v.text.includes('did you mean "rua="'), `invalid text says why: ${v.text}`);
  await page.fill('[data-testid="record-input"]', 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 99999999999\n');
  v = await verdict();
  c.eq(v.valid, 'false', 'invalid policy');
  c.ok(v.text.includes('line 4'), `policy error is located: ${v.text}`);
  // The verdict is written as markup: what was pasted stays text.
  await page.fill('[data-testid="record-input"]', 'version: STSv1\nmode: enforce\nmx: <img src=x onerror=window.__pwned=1>\nmax_age: 86400\n');
  await page.waitForTimeout(100);
  c.eq(await page.$$eval('.check-result img', (l) => l.length), 0, 'no element from the pasted text');
  c.ok(/<img src=x/.test(await page.textContent('.check-result')), 'the pasted markup shows as text');
  c.eq(await page.evaluate(() => window.__pwned), undefined, 'nothing ran');
  await page.fill('[data-testid="record-input"]', 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 99999999999\n');
  await page.locator('[data-testid="record-input"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, 'setup-check.png') });
  c.done();
});

test('what reporters saw of the policies: problems first, a page of domains at a time, the latest versions', async (page) => {
  const c = new Check();
  const rep = (org, day, domain, lines, fails = []) => ({
    'organization-name': org, 'report-id': `${org}-${domain}-${day}-${lines.join('|').length}`, 'contact-info': 'x@example.net',
    'date-range': { 'start-datetime': `2026-05-${String(day).padStart(2, '0')}T00:00:00Z`, 'end-datetime': `2026-05-${String(day).padStart(2, '0')}T23:59:59Z` },
    policies: [{ policy: { 'policy-type': 'sts', 'policy-domain': domain, 'policy-string': lines },
      summary: { 'total-successful-session-count': 10, 'total-failure-session-count': fails.reduce((a, f) => a + f[1], 0) },
      'failure-details': fails.map(([t, n, mx]) => ({ 'result-type': t, 'failed-session-count': n, 'receiving-mx-hostname': mx })) }],
  });
  const sts = (domain, mode = 'enforce', mx = `mx.${domain}`) => ['version: STSv1', `mode: ${mode}`, `mx: ${mx}`, 'max_age: 86400'];
  const reports = [];
  for (let i = 0; i < 60; i++) reports.push(rep('Google', 3, `q${String(i).padStart(2, '0')}.example`, sts(`q${String(i).padStart(2, '0')}.example`)));
  reports.push(rep('Google', 3, 'warn.example', sts('warn.example')), rep('Microsoft', 3, 'warn.example', sts('warn.example', 'testing')));
  reports.push(rep('Google', 4, 'err.example', sts('err.example'), [['certificate-expired', 5, 'mx.elsewhere.example']]));
  // 30 policy versions, one a day.
  for (let d = 1; d <= 30; d++) reports.push(rep('Google', d, 'many.example', sts('many.example', 'enforce', `mx${d}.many.example`)));
  await loadReports(page, 'seen', reports);
  await page.click('[data-testid="seen-toggle"]');
  await page.waitForSelector('[data-testid="seen-domain"]');
  const domains = () => page.$$eval('[data-testid="seen-domain"]', (els) => els.map((e) => e.dataset.domain));
  const first = await domains();
  c.eq(first.length, 25, 'a page of 25 domains');
  c.eq(first.slice(0, 2), ['err.example', 'warn.example'], 'the error first, then the warning');
  const pager = page.locator('nav[aria-label="Policy history pages"]');
  c.ok((await pager.textContent()).includes('domains 1–25 of 63'), `pager: ${await pager.textContent()}`);
  const all = new Set(first);
  for (let p = 1; p < 3; p++) {
    await pager.locator('button').nth(1).click();
    await page.waitForFunction((d) => document.querySelector('[data-testid="seen-domain"]')?.dataset.domain !== d, first[0]);
    for (const d of await domains()) all.add(d);
  }
  c.eq(all.size, 63, 'every domain on one of the pages, once');
  // The domain with 30 versions shows the latest 20 and says so.
  for (let p = 0; p < 3 && !(await domains()).includes('many.example'); p++) await pager.locator('button').nth(0).click();
  const many = page.locator('[data-testid="seen-domain"][data-domain="many.example"]');
  c.eq(await many.locator('tbody tr').count(), 20, 'the latest 20 versions');
  c.ok((await many.textContent()).includes('10 earlier policy versions not shown'), 'the rest are counted');
  c.ok((await many.locator('tbody tr').last().textContent()).includes('mx30.many.example'), 'the latest version is there');
  for (const v of await axeViolations(page)) c.ok(false, `the policy history open: ${v}`);
  c.done();
});


test('privacy: after the page has loaded, nothing is requested at all', async (page, requests) => {
  const c = new Check();
  await page.waitForLoadState('networkidle');
  const atLoad = requests.length;
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  for (const d of ["connect-src 'none'", "default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "style-src 'self'"]) {
    c.ok(csp && csp.includes(d), `CSP has ${d}: ${csp}`);
  }
  c.ok(!/unsafe-inline/.test(csp), 'no unsafe-inline');
  const dir = path.resolve('tests/fixtures/real');
  const files = fs.readdirSync(dir).filter((n) => n !== 'SOURCES.md').map((n) => path.join(dir, n));
  await page.setInputFiles('[data-testid="file-input"]', files);
  await waitReady(page);
  await page.click('[data-testid="domain-row"] >> nth=0');
  await page.click('[data-testid="open-report"] >> nth=0');
  await page.fill('[data-testid="record-input"]', 'v=TLSRPTv1; rua=mailto:a@example.com');
  await page.waitForTimeout(300);
  // The only requests allowed after load: same-origin GETs of the app's own
  // built files (the service worker caching them).
  const origin = new URL(page.url()).origin;
  const base = new URL(page.url()).pathname;
  const builtFiles = new Set(['', ...listBuilt(path.resolve('dist'))]);
  const others = requests.slice(atLoad).filter((u) => {
    const url = new URL(u);
    return !(url.origin === origin && url.pathname.startsWith(base) && builtFiles.has(url.pathname.slice(base.length)));
  });
  c.eq(others, [], 'requests after load, other than the app\'s own files');
  const stored = await page.evaluate(async () => ({
    local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
    idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
  }));
  c.eq(stored, { local: 0, session: 0, cookies: '', idb: 0 }, 'nothing persisted');
  c.done();
});

test('hostile input: markup stays inert text, only http(s) becomes a link', async (page) => {
  const c = new Check();
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  const report = {
    'organization-name': evil, 'report-id': 'x<b>y</b>', 'contact-info': evil,
    'date-range': { 'start-datetime': '2026-01-01T00:00:00Z', 'end-datetime': '2026-01-01T23:59:59Z' },
    policies: [{
      policy: { 'policy-type': 'sts', 'policy-domain': 'evil.example', 'policy-string': [evil], 'mx-host': [evil] },
      summary: { 'total-successful-session-count': 1, 'total-failure-session-count': 2 },
      'failure-details': [
        { 'result-type': evil, 'sending-mta-ip': evil, 'receiving-mx-hostname': evil, 'failed-session-count': 1, 'failure-reason-code': evil, 'additional-information': 'javascript:window.__pwned=3' },
        { 'result-type': 'certificate-expired', 'failed-session-count': 1, 'additional-information': 'https://help.example/tlsrpt' },
      ],
    }, {
      // Quotes and markup in a value that lands in attributes of the tables' rows.
      policy: { 'policy-type': 'no-policy-found', 'policy-domain': `q"u'o<i>te.example` },
      summary: { 'total-successful-session-count': 3, 'total-failure-session-count': 0 },
    }],
  };
  const dir = path.join(tmp, 'hostile');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'evil.json'), JSON.stringify(report));
  await page.setInputFiles('[data-testid="file-input"]', [path.join(dir, 'evil.json')]);
  await waitReady(page);
  // The tables write their rows as markup (src/markup.rs): every value comes
  // back exact, in attributes and as text, and nothing in it becomes an element.
  c.eq(await page.getAttribute('[data-testid="org-row"]', 'data-org'), evil, 'the organization row keeps the exact name');
  c.ok((await page.textContent('[data-testid="org-row"] th')).includes('<img src=x'), 'the organization shown as text');
  const mx = await page.$$eval('[data-testid="breakdown-row"][data-kind="receiving-mx"]', (rs) => rs.map((r) => r.dataset.key));
  c.ok(mx.includes(evil), `the MX breakdown keeps the exact host name: ${JSON.stringify(mx)}`);
  const domains = await page.$$eval('[data-testid="domain-row"]', (rs) => rs.map((r) => r.dataset.domain));
  c.ok(domains.includes(`q"u'o<i>te.example`), `the domain row keeps quotes and brackets: ${JSON.stringify(domains)}`);
  c.eq(await page.$$eval('main tbody i, main tbody b, main tbody script', (els) => els.length), 0, 'no element made from a value in the tables');
  await page.click('[data-testid="open-report"] >> nth=0');
  await page.waitForSelector('[data-testid="report-detail"]');
  c.eq(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  c.eq(await page.$$eval('main img', (els) => els.length), 0, 'no injected elements');
  c.ok((await page.textContent('[data-testid="report-detail"]')).includes('<img src=x'), 'markup shown as text');
  const links = await page.$$eval('[data-testid="report-detail"] a', (as) => as.map((a) => [a.getAttribute('href'), a.rel]));
  c.eq(links, [['https://help.example/tlsrpt', 'noopener noreferrer']], 'only the https URI is a link');
  c.done();
});

async function main() {
  if (!fs.existsSync('dist/index.html')) throw new Error('dist/ is missing: run scripts/build first');
  const context = await launch();
  let failed = 0;
  for (const base of ['/', '/tlsrpt-viewer/']) {
    const server = await serve(path.resolve('dist'), base);
    const origin = new URL(server.url).origin;
    console.log(`# served at ${server.url}`);
    // Under the sub-path, a smoke subset is enough to prove relative URLs work.
    // E2E_ONLY=text runs the tests whose name contains it (for working on one).
    const only = process.env.E2E_ONLY;
    const selected = (base === '/' ? tests : tests.filter((t) => t.name.startsWith('sample'))).filter((t) => !only || t.name.includes(only));
    for (const t of selected) {
      const page = await context.newPage();
      // E2E_SLOWDOWN=N runs the page's CPU N times slower (timing-dependent bugs
      // show on slow CI machines first).
      if (process.env.E2E_SLOWDOWN) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.E2E_SLOWDOWN) });
      }
      const requests = [];
      const errors = [];
      recordRequests(page, requests);
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });
      page.on('console', (m) => {
        if (/Content.Security.Policy|Refused to/i.test(m.text())) errors.push(`CSP: ${m.text()}`);
      });
      const started = Date.now();
      try {
        if (t.init) await page.addInitScript(t.init);
        await page.goto(server.url);
        if (t.app) await page.waitForSelector('[data-testid="app"]');
        await t.fn(page, requests);
        const foreign = requests.filter((u) => /^(https?|wss?):/.test(u) && !u.startsWith(origin));
        if (foreign.length) throw new Error(`requests left the page's origin: ${foreign.join(', ')}`);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        if (e instanceof Skip) {
          console.log(`SKIPPED ${t.name}: ${e.message}`);
          await page.close();
          continue;
        }
        failed++;
        console.log(`FAIL ${t.name}\n  ${String(e.message || e).split('\n').join('\n  ')}`);
        await fullShot(page, path.join(OUT, `fail-${t.name.replace(/\W+/g, '-')}.png`)).catch(() => {});
      }
      await page.close();
    }
    server.close();
  }
  await context.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(failed ? `${failed} browser test(s) failed` : 'all browser tests passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
