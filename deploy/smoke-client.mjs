// The smoke run's customer side (deploy/smoke.sh runs it): everything goes through nginx. Each journey is
// what a merchant's back end and its customer do — the official dodopayments SDK creates a customer,
// credits its wallet (idempotency key), opens a hosted checkout that the "browser" pays (GET the page,
// POST the card form with its antiforgery token), subscribes with the saved card, then changes plan,
// cancels, schedules a cancellation or keeps it, and lists; every fourth customer also signs in to the
// portal by its static link (the e-mail caught by deploy/smoke-receiver.mjs). Half-way it makes the
// kept subscriptions' renewals due and SIGKILLs one node ($SMOKE_KILL_PID).
//
// A request that fails in transit (connection error, 502/503/504) is retried: with the same
// idempotency key or the same body where that is safe by itself (customers are found by e-mail, a
// checkout session takes one payment, a portal link is asked for again); where the API has no key
// (creating a subscription, changing its plan, cancelling) the retry first reads back whether the
// first attempt took effect, as an integration without keys must. It writes what it expects to
// exist to $SMOKE_WORK/expected.tsv and its figures to $SMOKE_WORK/client.json.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(path.join(import.meta.dirname, '../tests/sdk/package.json'));
const DodoPayments = require('dodopayments').default ?? require('dodopayments');

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set; run deploy/smoke.sh`); })();
const base = env('SMOKE_BASE_URL');
const key = env('SMOKE_API_KEY');
const businessId = env('SMOKE_BUSINESS');
const receiver = env('SMOKE_RECEIVER');
const work = env('SMOKE_WORK');
const killPid = Number(env('SMOKE_KILL_PID'));
const journeys = Number(process.env.SMOKE_JOURNEYS ?? 24);
const lanes = Number(process.env.SMOKE_LANES ?? 4);
const tag = Date.now().toString(36);

const stats = { requests: 0, errors: 0, retries: 0, readBacks: 0, killedAt: null, errorsByOp: {} };
const expected = [];
const expect = (kind, id) => expected.push(`${kind}\t${id}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch that counts every request the client sends to nginx. */
async function counted(url, init) {
  stats.requests++;
  return fetch(url, init);
}

const dodo = new DodoPayments({ bearerToken: key, baseURL: base, maxRetries: 0, timeout: 20_000, fetch: counted });

class Transient extends Error {}

function isTransient(error) {
  return error instanceof Transient
    || error instanceof DodoPayments.APIConnectionError
    || (error instanceof DodoPayments.APIError && [502, 503, 504].includes(error.status))
    || error?.name === 'TypeError'; // fetch: the connection was refused or reset
}

/**
 * Runs one operation until it succeeds; a transient failure is counted and retried after a pause.
 * `readBack`, when given, runs before each retry and answers the result if the failed attempt took effect.
 */
async function op(name, run, readBack) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransient(error) || attempt >= 8) throw new Error(`${name}: ${error.message ?? error}`, { cause: error });
      stats.errors++;
      stats.errorsByOp[name] = (stats.errorsByOp[name] ?? 0) + 1;
      stats.retries++;
      await sleep(250 * attempt);
      if (readBack) {
        const done = await op(`${name} (read back)`, readBack);
        if (done) { stats.readBacks++; return done; }
      }
    }
  }
}

/** A tiny browser: keeps cookies, sends no Origin or Sec-Fetch-Site (a script, not a cross-site form). */
class Browser {
  cookies = new Map();

  async request(pathOrUrl, { method = 'GET', form } = {}) {
    const url = new URL(pathOrUrl, base);
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'en' };
    const body = form ? new URLSearchParams(form) : undefined;
    const response = await counted(url, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    const text = await response.text();
    if ([502, 503, 504].includes(response.status)) throw new Transient(`${method} ${url.pathname}: ${response.status}`);
    return { status: response.status, text, location: response.headers.get('location') };
  }

  static token(html) {
    const token = /name="__RequestVerificationToken"[^>]*value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('no antiforgery token on the page');
    return token;
  }
}

/** Pays a hosted checkout as a browser without script does; safe to repeat (one payment per session). */
async function payCheckout(checkoutUrl) {
  const browser = new Browser();
  const page = new URL(checkoutUrl).pathname;
  for (let visit = 1; ; visit++) {
    // An attempt the dead node claimed is settled by the next visit, or released after 2 minutes (CheckoutService).
    if (visit > 150) throw new Error(`${page}: still processing after ${visit} visits`);
    const form = await browser.request(page);
    if (form.status === 302) return receipt(browser, form.location); // paid already (a retry after a lost answer)
    if (form.status !== 200) throw new Error(`GET ${page}: ${form.status}`);
    if (/http-equiv="refresh"/.test(form.text)) { await sleep(1000); continue; } // an attempt in flight: wait as the page says
    const expiry = `12/${String((new Date().getUTCFullYear() + 5) % 100).padStart(2, '0')}`;
    const paid = await browser.request(page, {
      method: 'POST',
      form: { __RequestVerificationToken: Browser.token(form.text), cardNumber: '4242 4242 4242 4242', expiry, cvc: '123', CardholderName: 'Smoke Tester' },
    });
    if (paid.status === 302) return receipt(browser, paid.location);
    if (/http-equiv="refresh"/.test(paid.text)) { await sleep(1000); continue; }
    throw new Error(`POST ${page}: expected a redirect after paying, got ${paid.status}`);
  }
}

async function receipt(browser, location) {
  const page = await browser.request(location);
  const id = /id="payment-id">(pay_[0-9A-Za-z]+)</.exec(page.text)?.[1];
  if (page.status !== 200 || !id) throw new Error(`receipt ${location}: ${page.status}`);
  return id;
}

/** Static link sign-in: the form, the e-mail (from the SMTP sink), the link's Continue, the overview. */
async function portalSignIn(email, name) {
  const browser = new Browser();
  const login = `/test/login/${businessId}`;
  const before = (await (await fetch(`${receiver}/mail?to=${encodeURIComponent(email)}`)).json()).length;
  const form = await browser.request(login);
  if (form.status !== 200) throw new Error(`GET ${login}: ${form.status}`);
  const sent = await browser.request(login, { method: 'POST', form: { __RequestVerificationToken: Browser.token(form.text), Email: email } });
  if (sent.status !== 200 || !sent.text.includes('Check your inbox')) throw new Error(`POST ${login}: ${sent.status}`);
  let link;
  for (let waited = 0; !link; waited += 250) {
    if (waited > 30_000) throw new Error(`no sign-in e-mail for ${email} within 30 s`);
    const mails = await (await fetch(`${receiver}/mail?to=${encodeURIComponent(email)}`)).json();
    link = mails.slice(before).flatMap((m) => m.links).find((l) => l.includes('/test/link/'));
    if (!link) await sleep(250);
  }
  const linkPath = new URL(link).pathname;
  const cont = await browser.request(linkPath);
  if (cont.status !== 200 || !cont.text.includes('data-auto-submit')) throw new Transient(`GET ${linkPath}: ${cont.status} (not a valid link page)`);
  const redeemed = await browser.request(linkPath, { method: 'POST', form: { __RequestVerificationToken: Browser.token(cont.text) } });
  if (redeemed.status !== 302) throw new Transient(`POST ${linkPath}: ${redeemed.status} (link used by a lost attempt: ask again)`);
  const overview = await browser.request(redeemed.location);
  if (overview.status !== 200 || !overview.text.includes(name)) throw new Error(`overview after sign-in: ${overview.status}`);
}

let catalog;

async function setUp() {
  await op('settings', () => dodo.patch('/settings/subscriptions', { body: { allow_plan_changes: true } }));
  const product = (body) => op('product', () => dodo.products.create(body));
  const monthly = (price) => ({
    type: 'recurring_price', currency: 'USD', price, discount: 0, purchasing_power_parity: false,
    payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 10, subscription_period_interval: 'Year', trial_period_days: 0,
  });
  const oneTime = (await product({ name: 'Smoke e-book', tax_category: 'digital_products', price: { type: 'one_time_price', currency: 'USD', price: 500, discount: 0, purchasing_power_parity: false } })).product_id;
  const basic = (await product({ name: 'Smoke Basic', tax_category: 'saas', price: monthly(1000) })).product_id;
  const pro = (await product({ name: 'Smoke Pro', tax_category: 'saas', price: monthly(3000) })).product_id;
  await op('collection', () => dodo.productCollections.create({ name: 'Smoke tiers', groups: [{ group_name: 'Plans', products: [{ product_id: basic }, { product_id: pro }] }] }));
  const hook = await op('webhook', () => dodo.webhooks.create({ url: `${receiver}/hook`, idempotency_key: `smoke-${tag}-hook` }));
  const { secret } = await op('webhook secret', () => dodo.webhooks.retrieveSecret(hook.id));
  await fetch(`${receiver}/secret`, { method: 'PUT', body: secret });
  catalog = { oneTime, basic, pro };
}

/** What each journey does with its subscription after creating it, by journey number. */
const FATES = ['change_plan', 'cancel_now', 'keep', 'cancel_at_period_end'];

async function journey(i) {
  const email = `smoke-${tag}-${i}@example.com`;
  const name = `Smoke Customer ${i}`;
  const customer = await op('customers.create', () => dodo.customers.create({ email, name }));
  const customerId = customer.customer_id;
  expect('customer', customerId);
  await op('wallet credit', () => dodo.customers.wallets.ledgerEntries.create(customerId, {
    amount: 200, currency: 'USD', entry_type: 'credit', reason: 'smoke welcome credit', idempotency_key: `smoke-${tag}-${i}-credit`,
  }));

  // Hosted checkout; a session whose creation answer was lost is simply never paid.
  const session = await op('checkoutSessions.create', () => dodo.checkoutSessions.create({
    product_cart: [{ product_id: catalog.oneTime, quantity: 1 }], customer: { customer_id: customerId }, billing_address: { country: 'US' },
  }));
  const paymentId = await op('checkout pay', () => payCheckout(session.checkout_url));
  expect('checkout_payment', paymentId);
  const payment = await op('payments.retrieve', () => dodo.payments.retrieve(paymentId));
  if (payment.status !== 'succeeded') throw new Error(`checkout payment ${paymentId} is ${payment.status}`);

  const marker = `smoke-${tag}-${i}`;
  const mine = async () => (await dodo.subscriptions.list({ customer_id: customerId, page_size: 100 })).items.filter((s) => s.metadata?.smoke === marker);
  const created = await op('subscriptions.create', () => dodo.subscriptions.create({
    product_id: catalog.basic, quantity: 1, customer: { customer_id: customerId }, billing: { country: 'US' },
    payment_method_id: payment.payment_method_id, metadata: { smoke: marker },
  }), async () => (await mine())[0]);
  const id = created.subscription_id;
  const fate = FATES[i % FATES.length];
  expect(`subscription_${fate}`, id);

  if (fate === 'change_plan') {
    await op('subscriptions.changePlan', () => dodo.subscriptions.changePlan(id, { product_id: catalog.pro, quantity: 1, proration_billing_mode: 'prorated_immediately' }),
      async () => ((await dodo.subscriptions.retrieve(id)).product_id === catalog.pro ? { changed: true } : null));
  } else if (fate === 'cancel_now') {
    await op('subscriptions.update cancel', () => dodo.subscriptions.update(id, { status: 'cancelled' }),
      async () => ((await dodo.subscriptions.retrieve(id)).status === 'cancelled' ? { cancelled: true } : null));
  } else if (fate === 'cancel_at_period_end') {
    await op('subscriptions.update cancel later', () => dodo.subscriptions.update(id, { cancel_at_next_billing_date: true }));
  }
  const listed = await op('subscriptions.list', () => mine());
  if (listed.length !== 1) throw new Error(`customer ${customerId} has ${listed.length} smoke subscriptions`);

  if (i % 4 === 1) {
    await op('portal sign-in', () => portalSignIn(email, name));
    expect('portal_sign_in', customerId);
  }
  return { fate, id };
}

/** Moves the given subscriptions one month back, so their renewal (or end) is due now (as bench/subscriptions seeds it). */
function makeDue(ids) {
  if (ids.length === 0) return;
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `
    UPDATE subscriptions SET billing_anchor = billing_anchor - interval '1 month', previous_billing_date = previous_billing_date - interval '1 month',
        next_billing_date = next_billing_date - interval '1 month', created_at = created_at - interval '1 month'
    WHERE business_id = '${businessId}' AND id IN (${ids.map((id) => `'${id}'`).join(',')})`], { stdio: 'inherit' });
  for (const id of ids) expect('renewal_due', id);
}

/** SIGKILLs the node as soon as a renewal charge is in flight (on either node; at most 3 s later), with journeys in flight too. */
async function killWhenRenewing() {
  const inFlight = () => Number(execFileSync('psql', ['-X', '-tA', '-c',
    `SELECT count(*) FROM subscription_charges WHERE business_id = '${businessId}' AND kind = 'renewal' AND status = 'processing'`]).toString().trim());
  const until = Date.now() + 3000;
  let renewing = 0;
  while (Date.now() < until && (renewing = inFlight()) === 0) await sleep(10);
  process.kill(killPid, 'SIGKILL');
  stats.killedAt = ((Date.now() - started) / 1000).toFixed(1);
  stats.renewalsInFlightAtKill = renewing;
  console.error(`smoke-client: SIGKILL node pid ${killPid} at ${stats.killedAt} s (${renewing} renewal charges in flight, ${lanes} journeys running)`);
}

const started = Date.now();
await setUp();
const dueLater = [];
let next = 0;
let killed = false;
const finished = [];
async function lane() {
  for (;;) {
    const i = next++;
    if (i >= journeys) return;
    if (!killed && i >= journeys / 2) {
      killed = true;
      // Renewals fall due on both nodes' workers, then one node dies mid-traffic.
      makeDue(finished.filter((j) => j.fate === 'keep' || j.fate === 'cancel_at_period_end').map((j) => j.id));
      killWhenRenewing();
    }
    const result = await journey(i);
    (killed ? dueLater : finished).push(result);
  }
}
await Promise.all(Array.from({ length: lanes }, lane));
// The second half's renewals fall due on the surviving node alone.
makeDue(dueLater.filter((j) => j.fate === 'keep' || j.fate === 'cancel_at_period_end').map((j) => j.id));

fs.writeFileSync(path.join(work, 'expected.tsv'), expected.join('\n') + '\n');
fs.writeFileSync(path.join(work, 'client.json'), JSON.stringify({ ...stats, journeys, seconds: ((Date.now() - started) / 1000).toFixed(1) }));
console.error(`smoke-client: ${journeys} journeys in ${((Date.now() - started) / 1000).toFixed(1)} s; ${stats.requests} requests, ${stats.errors} failed in transit, ${stats.retries} retries, ${stats.readBacks} settled by reading back`, stats.errorsByOp);
