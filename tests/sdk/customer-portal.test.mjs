import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, baseURL, DodoPayments } from './sdk.mjs';

const dodo = client();

test('customers.customerPortal.create returns a single-use portal link', async () => {
  const customer = await dodo.customers.create({ email: `${unique('portal')}@example.com`, name: 'Portal Person' });

  const plain = await dodo.customers.customerPortal.create(customer.customer_id);
  assert.deepEqual(Object.keys(plain), ['link']);
  assert.ok(plain.link.startsWith(`${baseURL}/test/link/`), plain.link);
  assert.match(plain.link, /\/link\/[A-Za-z0-9_-]{43}$/);

  const withOptions = await dodo.customers.customerPortal.create(customer.customer_id, {
    send_email: true,
    return_url: 'https://merchant.example.com/account',
  });
  assert.notEqual(withOptions.link, plain.link);

  // Opening the link (a GET, as a mail scanner would) shows the continue page and uses nothing.
  const page = await fetch(withOptions.link);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /data-auto-submit/);
  assert.equal((await fetch(withOptions.link)).status, 200);
});

test('live keys make live links', async () => {
  const live = client(process.env.CLIENTELE_LIVE_API_KEY);
  const customer = await live.customers.create({ email: `${unique('portal-live')}@example.com`, name: 'Live Person' });
  const session = await live.customers.customerPortal.create(customer.customer_id);
  assert.ok(session.link.startsWith(`${baseURL}/link/`), session.link);
});

test('errors map to the SDK error classes', async () => {
  const customer = await dodo.customers.create({ email: `${unique('portal-err')}@example.com`, name: 'Err Person' });
  await assert.rejects(dodo.customers.customerPortal.create('cus_doesnotexist0000000000'), DodoPayments.NotFoundError);
  await assert.rejects(dodo.customers.customerPortal.create(customer.customer_id, { return_url: 'http://merchant.example.com/' }), (err) => {
    assert.ok(err instanceof DodoPayments.UnprocessableEntityError);
    assert.match(err.error.message, /^return_url:/);
    return true;
  });
  const other = client(process.env.CLIENTELE_OTHER_API_KEY);
  await assert.rejects(other.customers.customerPortal.create(customer.customer_id), DodoPayments.NotFoundError);
});
