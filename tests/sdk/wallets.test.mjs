import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, DodoPayments } from './sdk.mjs';

const dodo = client();

async function newCustomer(label = 'wallet') {
  return dodo.customers.create({ email: `${unique(label)}@example.com`, name: 'Wallet Owner' });
}

test('a new customer lists zero wallets in the default currencies', async () => {
  const customer = await newCustomer();
  const wallets = await dodo.customers.wallets.list(customer.customer_id);
  assert.deepEqual(wallets.items.map((w) => [w.currency, w.balance]), [['INR', 0], ['USD', 0]]);
  assert.equal(wallets.total_balance_usd, 0);
  assert.ok(wallets.items.every((w) => w.customer_id === customer.customer_id && w.created_at === customer.created_at));
});

test('credit, replay, debit and list the ledger', async () => {
  const { customer_id } = await newCustomer();
  const ledger = dodo.customers.wallets.ledgerEntries;

  const credited = await ledger.create(customer_id, { amount: 500, currency: 'USD', entry_type: 'credit', idempotency_key: 'k1', reason: 'top-up' });
  assert.equal(credited.balance, 500);
  assert.equal(credited.currency, 'USD');

  const replayed = await ledger.create(customer_id, { amount: 500, currency: 'USD', entry_type: 'credit', idempotency_key: 'k1' });
  assert.deepEqual(replayed, credited, 'the same key does not credit twice');

  const debited = await ledger.create(customer_id, { amount: 120, currency: 'USD', entry_type: 'debit' });
  assert.equal(debited.balance, 380);
  await ledger.create(customer_id, { amount: 1000, currency: 'JPY', entry_type: 'credit' });

  const usd = await ledger.list(customer_id, { currency: 'USD', page_number: 0 });
  assert.deepEqual(usd.items.map((e) => [e.is_credit, e.amount, e.before_balance, e.after_balance]), [[false, 120, 500, 380], [true, 500, 0, 500]]);
  assert.ok(usd.items.every((e) => e.event_type === 'merchant_adjustment' && e.customer_id === customer_id && e.id.startsWith('wlt_')));
  assert.equal(usd.items[1].reason, 'top-up');

  const all = [];
  for await (const entry of ledger.list(customer_id, { page_number: 0, page_size: 100 })) all.push(entry.currency);
  assert.deepEqual(all, ['JPY', 'USD', 'USD']);

  const wallets = await dodo.customers.wallets.list(customer_id);
  assert.deepEqual(wallets.items.map((w) => [w.currency, w.balance]), [['INR', 0], ['JPY', 1000], ['USD', 380]]);
  assert.equal(wallets.total_balance_usd, 380 + 650, '¥1,000 at the default 0.0065 USD');
});

test('errors: insufficient balance, key reuse, bad input, unknown and foreign customers', async () => {
  const { customer_id } = await newCustomer();
  const ledger = dodo.customers.wallets.ledgerEntries;
  await ledger.create(customer_id, { amount: 100, currency: 'USD', entry_type: 'credit', idempotency_key: 'once' });

  await assert.rejects(ledger.create(customer_id, { amount: 101, currency: 'USD', entry_type: 'debit' }), (err) => {
    assert.ok(err instanceof DodoPayments.BadRequestError);
    assert.equal(err.error.code, 'INSUFFICIENT_BALANCE');
    return true;
  });
  await assert.rejects(ledger.create(customer_id, { amount: 99, currency: 'USD', entry_type: 'credit', idempotency_key: 'once' }), (err) => {
    assert.ok(err instanceof DodoPayments.UnprocessableEntityError);
    assert.equal(err.error.code, 'IDEMPOTENCY_KEY_REUSED');
    return true;
  });
  await assert.rejects(ledger.create(customer_id, { amount: 0, currency: 'AED', entry_type: 'credit' }), (err) => {
    assert.ok(err instanceof DodoPayments.UnprocessableEntityError);
    assert.match(err.error.message, /^amount:/);
    return true;
  });
  await assert.rejects(dodo.customers.wallets.list('cus_doesnotexist0000000000'), DodoPayments.NotFoundError);
  const other = client(process.env.CLIENTELE_OTHER_API_KEY);
  await assert.rejects(other.customers.wallets.list(customer_id), DodoPayments.NotFoundError);
  await assert.rejects(other.customers.wallets.ledgerEntries.create(customer_id, { amount: 1, currency: 'USD', entry_type: 'debit' }), DodoPayments.NotFoundError);

  const wallets = await dodo.customers.wallets.list(customer_id);
  assert.equal(wallets.items.find((w) => w.currency === 'USD').balance, 100);
});
