// The customer's status page in a real browser (Debian's headless Chromium driven by
// playwright-core): the page renders the lines and the promise date, the script loads under the
// page's strict Content-Security-Policy, and "cancel the waiting part" asks for confirmation in a
// <dialog>, then the page shows the line cancelled, and the server agrees.
//
// Usage (loopback only; tests/browser/run_status_page.sh starts a server and passes these):
//   node tests/browser/status_page.test.mjs --api http://127.0.0.1:PORT --token ADMIN_TOKEN
//       creates a product and an order that waits, then checks its page;
//   node tests/browser/status_page.test.mjs --url http://127.0.0.1:PORT/status/TOKEN [--api URL --token T]
//       checks the page of an existing order that waits (e.g. the link from an e-mail); with
//       --api and --token it also checks the shop's order JSON.
// Environment instead of flags: BELOFTE_STATUS_URL, BELOFTE_API_URL, BELOFTE_ADMIN_TOKEN.
// As a module: import { checkStatusPage, makeBackorderedOrder } from './status_page.test.mjs'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.BELOFTE_CHROMIUM || '/usr/bin/chromium';
// The machine has no network: without these Chromium keeps trying to reach out.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const STEP_MS = 15000;

async function request(url, { method = 'GET', token, body, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_MS) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

// A product that may be backordered, one unit in stock, and a paid order of three: one ready,
// two waiting. Returns { statusUrl, orderId, lineId }.
export async function makeBackorderedOrder(api, token, { sku = 'BROWSER-MUG', externalId = `b-${Date.now()}` } = {}) {
  const product = await request(`${api}/api/v1/products/${sku}`, { method: 'PUT', token,
    body: { name: 'Koffiemok Delft', price: '9.95', backorder: { policy: 'allow' } } });
  assert.ok([200, 201].includes(product.status), product.text);
  const stock = await request(`${api}/api/v1/stock/adjustments`, { method: 'POST', token,
    body: { sku, location: 'main', delta: 1, reason: 'browser test' } });
  assert.equal(stock.status, 201, stock.text);
  const order = await request(`${api}/api/v1/orders`, { method: 'POST', token, body: {
    channel: 'web', external_id: externalId, payment: 'paid', ship_policy: 'ship_available',
    customer: { email: 'klant@example.nl', name: 'Klant', language: 'nl' },
    lines: [{ sku, quantity: 3 }] } });
  assert.equal(order.status, 201, order.text);
  assert.equal(order.json.lines[0].backordered, 2, order.text);
  return { statusUrl: order.json.status_url, orderId: order.json.id, lineId: order.json.lines[0].line_id };
}

export async function launchChromium() {
  const profile = await mkdtemp(join(tmpdir(), 'belofte-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000,
  });
  return { context, close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); } };
}

// Opens the status page at `statusUrl` (an order with a waiting line), checks what it shows,
// cancels the waiting part of the first waiting line through the confirmation dialog and checks
// the result on the page, in the status JSON and (with api and token) in the shop's order JSON.
// Returns the status JSON after the cancel.
export async function checkStatusPage({ statusUrl, api, token, context }) {
  const own = context ? null : await launchChromium();
  const ctx = context || own.context;
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  try {
    const before = await request(statusUrl);
    assert.equal(before.status, 200, before.text);
    const waitingLine = before.json.lines.find((l) => l.waiting > 0);
    assert.ok(waitingLine, 'the order has a waiting line');
    assert.ok(waitingLine.promise, 'a waiting line has a promise');

    const response = await page.goto(statusUrl, { waitUntil: 'load' });
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['referrer-policy'], 'no-referrer');
    assert.match(response.headers()['content-security-policy'], /default-src 'none'/);
    assert.equal(await page.locator('#order-ref').count(), 1);
    assert.ok((await page.locator('#order-ref').innerText()).includes(before.json.order.external_id));
    assert.equal(await page.locator('li.line').count(), before.json.lines.length);

    const line = page.locator(`li.line[data-line-id="${waitingLine.line_id}"]`);
    assert.ok((await line.locator('h3').innerText()).includes(waitingLine.name));
    assert.equal(await line.locator('[data-q="waiting"] .n').innerText(), String(waitingLine.waiting));
    const p90 = line.locator('.promise time.p90');
    assert.equal(await p90.getAttribute('datetime'), waitingLine.promise.p90);
    assert.equal((await p90.innerText()).trim(), waitingLine.promise.p90_text);
    assert.ok((await line.locator('.basis').innerText()).includes(waitingLine.promise.basis_text));

    // The script ran (it shows the buttons it serves); open the dialog, then confirm.
    const cancel = line.locator('button[data-action="cancel"]');
    await cancel.waitFor({ state: 'visible' });
    await cancel.click();
    const dialog = page.locator('dialog#confirm');
    await dialog.waitFor({ state: 'visible' });
    assert.ok((await dialog.locator('#confirm-text').innerText()).length > 0);
    await Promise.all([
      page.waitForURL(/[?&]done=cancel\b/),
      dialog.locator('#confirm-ok').click(),
    ]);
    await page.waitForLoadState('load');
    await page.locator('#message').waitFor({ state: 'visible' });
    const after = page.locator(`li.line[data-line-id="${waitingLine.line_id}"]`);
    assert.equal(await after.locator('[data-q="waiting"]').count(), 0);
    assert.equal(await after.locator('[data-q="cancelled"] .n').innerText(),
      String(waitingLine.cancelled + waitingLine.waiting));
    assert.equal(await after.locator('button[data-action="cancel"]').count(), 0);
    assert.deepEqual(problems, [], 'no console errors (CSP violations show here)');

    const status = await request(statusUrl);
    const l = status.json.lines.find((x) => x.line_id === waitingLine.line_id);
    assert.equal(l.waiting, 0);
    assert.equal(l.cancelled, waitingLine.cancelled + waitingLine.waiting);
    assert.equal(l.ready, waitingLine.ready);

    if (api && token) {
      const { channel, external_id: externalId } = status.json.order;
      const list = await request(`${api}/api/v1/orders?channel=${encodeURIComponent(channel)}&limit=1000`, { token });
      assert.equal(list.status, 200, list.text);
      const order = list.json.items.find((o) => o.external_id === externalId);
      assert.ok(order, `order ${channel}/${externalId} in the shop's list`);
      const shopLine = order.lines.find((x) => x.line_id === waitingLine.line_id);
      assert.equal(shopLine.backordered, 0);
      assert.equal(shopLine.cancelled, l.cancelled);
      assert.equal(shopLine.allocated, l.ready);
    }
    return status.json;
  } finally {
    await page.close().catch(() => {});
    if (own) await own.close();
  }
}

function options() {
  const { values } = parseArgs({ options: { url: { type: 'string' }, api: { type: 'string' }, token: { type: 'string' } },
    strict: true });
  return {
    url: values.url || process.env.BELOFTE_STATUS_URL,
    api: values.api || process.env.BELOFTE_API_URL,
    token: values.token || process.env.BELOFTE_ADMIN_TOKEN,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = options();
  test('status page: lines and promise render; cancel via the dialog; the server agrees', { timeout: 120000 }, async () => {
    let statusUrl = opts.url;
    if (!statusUrl) {
      assert.ok(opts.api && opts.token, 'give --url, or --api and --token to create an order');
      ({ statusUrl } = await makeBackorderedOrder(opts.api, opts.token));
    }
    await checkStatusPage({ statusUrl, api: opts.api, token: opts.token });
  });
}
