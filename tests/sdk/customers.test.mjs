import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, DodoPayments } from './sdk.mjs';

const dodo = client();

test('create, retrieve and update a customer', async () => {
  const email = `${unique('sdk')}@example.com`;
  const created = await dodo.customers.create({ email, name: 'Ada Lovelace', phone_number: '+14155550123', metadata: { plan: 'pro', seats: 3 } });
  assert.match(created.customer_id, /^cus_/);
  assert.equal(created.email, email);
  assert.equal(created.phone_number, '+14155550123');
  assert.deepEqual(created.metadata, { plan: 'pro', seats: 3 });

  const again = await dodo.customers.create({ email: email.toUpperCase(), name: 'Someone Else' });
  assert.equal(again.customer_id, created.customer_id, 'same e-mail returns the existing customer');
  assert.equal(again.name, 'Ada Lovelace');

  const fetched = await dodo.customers.retrieve(created.customer_id);
  assert.deepEqual(fetched, created);

  const updated = await dodo.customers.update(created.customer_id, { name: 'Ada King', phone_number: null });
  assert.equal(updated.name, 'Ada King');
  assert.equal(updated.phone_number, null);

  const untouched = await dodo.customers.update(created.customer_id, {});
  assert.deepEqual(untouched, updated);
});

test('list with each filter, page by page and auto-iterating', async () => {
  const tag = unique('grace');
  const made = [];
  for (let i = 0; i < 5; i++) {
    made.push(await dodo.customers.create({ email: `${tag}-${i}@example.org`, name: `Grace ${tag} ${i}` }));
  }

  const byEmail = await dodo.customers.list({ page_number: 0, email: made[2].email.toUpperCase() });
  assert.deepEqual(byEmail.items.map((c) => c.customer_id), [made[2].customer_id]);

  const byName = await dodo.customers.list({ page_number: 0, page_size: 100, name: tag.toUpperCase() });
  assert.deepEqual(byName.items.map((c) => c.customer_id), made.map((c) => c.customer_id).reverse(), 'newest first');

  const since = await dodo.customers.list({ page_number: 0, page_size: 100, name: tag, created_at_gte: made[3].created_at });
  assert.deepEqual(since.items.map((c) => c.customer_id).sort(), [made[3].customer_id, made[4].customer_id].sort());
  const until = await dodo.customers.list({ page_number: 0, page_size: 100, name: tag, created_at_lte: made[1].created_at });
  assert.deepEqual(until.items.map((c) => c.customer_id).sort(), [made[0].customer_id, made[1].customer_id].sort());

  const pages = [];
  for (let page = 0; ; page++) {
    const result = await dodo.customers.list({ page_number: page, page_size: 2, name: tag });
    if (result.items.length === 0) break;
    pages.push(result.items.map((c) => c.customer_id));
  }
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat(), made.map((c) => c.customer_id).reverse());

  const past = await dodo.customers.list({ page_number: 99, page_size: 2, name: tag });
  assert.deepEqual(past.items, []);

  // The SDK's iterator asks for the next page number until a page comes back empty.
  const seen = [];
  for await (const customer of dodo.customers.list({ page_number: 0, page_size: 100, name: tag })) seen.push(customer.customer_id);
  assert.deepEqual(seen, made.map((c) => c.customer_id).reverse());
});

test('errors map to the SDK error classes', async () => {
  await assert.rejects(dodo.customers.retrieve('cus_doesnotexist0000000000'), (err) => {
    assert.ok(err instanceof DodoPayments.NotFoundError);
    assert.equal(err.status, 404);
    assert.equal(err.error.code, 'NOT_FOUND');
    return true;
  });
  await assert.rejects(dodo.customers.create({ email: 'not-an-email', name: 'X' }), (err) => {
    assert.ok(err instanceof DodoPayments.UnprocessableEntityError);
    assert.match(err.error.message, /email/);
    return true;
  });
  await assert.rejects(client('ck_test_' + 'x'.repeat(43)).customers.list(), DodoPayments.AuthenticationError);
  await assert.rejects(dodo.get('/_stainless_unknown_path'), DodoPayments.NotFoundError);
});

test('another business cannot see this business\'s customers', async () => {
  const mine = await dodo.customers.create({ email: `${unique('iso')}@example.com`, name: 'Mine' });
  const other = client(process.env.CLIENTELE_OTHER_API_KEY);
  await assert.rejects(other.customers.retrieve(mine.customer_id), DodoPayments.NotFoundError);
  const list = await other.customers.list({ page_number: 0, email: mine.email });
  assert.deepEqual(list.items, []);
});
