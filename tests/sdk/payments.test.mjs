import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, baseURL, DodoPayments } from './sdk.mjs';

const dodo = client();
const apiKey = process.env.CLIENTELE_API_KEY;

/** Pays a checkout session the way a browser without JavaScript does: GET the page, POST the card form. */
async function pay(checkoutUrl, card = '4242 4242 4242 4242') {
  const path = new URL(checkoutUrl).pathname;
  const page = await fetch(baseURL + path);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="__RequestVerificationToken"[^>]*value="([^"]+)"/.exec(await page.text())[1];
  const form = new URLSearchParams({ __RequestVerificationToken: token, cardNumber: card, expiry: `12/${String((new Date().getUTCFullYear() + 5) % 100).padStart(2, '0')}`, cvc: '123', CardholderName: 'S. D. K.' });
  const paid = await fetch(baseURL + path, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  assert.equal(paid.status, 302, 'a paid checkout redirects');
  return new URL(paid.headers.get('location')).searchParams.get('payment_id');
}

test('products: create, retrieve, update, list, archive and unarchive', async () => {
  const product = await dodo.products.create({
    name: unique('Pro'),
    tax_category: 'saas',
    price: { type: 'one_time_price', currency: 'USD', price: 2500, discount: 0, purchasing_power_parity: false },
    license_key_enabled: true,
  });
  assert.match(product.product_id, /^pdt_/);
  assert.equal(product.price.price, 2500);
  await dodo.products.update(product.product_id, { name: 'Pro 2' });
  assert.equal((await dodo.products.retrieve(product.product_id)).name, 'Pro 2');
  const listed = await dodo.products.list({ page_number: 0, page_size: 100 });
  assert.ok(listed.items.some((p) => p.product_id === product.product_id));
  await dodo.products.archive(product.product_id);
  const archived = await dodo.products.list({ page_number: 0, page_size: 100, archived: true });
  assert.ok(archived.items.some((p) => p.product_id === product.product_id));
  await dodo.products.unarchive(product.product_id);
  await assert.rejects(dodo.products.create({ name: 'X', tax_category: 'food', price: { type: 'one_time_price', currency: 'USD', price: 1, discount: 0, purchasing_power_parity: false } }),
    DodoPayments.UnprocessableEntityError);
});

test('checkout, payments, line items, refunds and the invoice PDF', async () => {
  const product = await dodo.products.create({
    name: 'Desktop app', tax_category: 'digital_products',
    price: { type: 'one_time_price', currency: 'USD', price: 4000, discount: 0, purchasing_power_parity: false },
  });
  const session = await dodo.checkoutSessions.create({
    product_cart: [{ product_id: product.product_id, quantity: 1 }],
    customer: { email: `${unique('sdk-pay')}@example.com`, name: 'Sam' },
    billing_address: { country: 'US' },
    return_url: 'https://shop.example.com/done',
  });
  assert.match(session.session_id, /^cks_/);
  const paymentId = await pay(session.checkout_url);

  const payment = await dodo.payments.retrieve(paymentId);
  assert.equal(payment.status, 'succeeded');
  assert.equal(payment.total_amount, 4000);
  assert.deepEqual(payment.refunds, []);
  assert.deepEqual(payment.disputes, []);
  const list = await dodo.payments.list({ page_number: 0, customer_id: payment.customer.customer_id, status: 'succeeded' });
  assert.deepEqual(list.items.map((p) => p.payment_id), [paymentId]);
  const lines = await dodo.payments.retrieveLineItems(paymentId);
  assert.equal(lines.items[0].items_id, product.product_id);
  assert.equal(lines.items[0].refundable_amount, 4000);

  const refund = await dodo.refunds.create({ payment_id: paymentId, items: [{ item_id: product.product_id, amount: 1500 }], reason: 'partial' });
  assert.equal(refund.status, 'succeeded');
  assert.equal(refund.is_partial, true);
  assert.equal((await dodo.refunds.retrieve(refund.refund_id)).amount, 1500);
  const refunds = await dodo.refunds.list({ page_number: 0, customer_id: payment.customer.customer_id });
  assert.deepEqual(refunds.items.map((r) => r.refund_id), [refund.refund_id]);
  await assert.rejects(dodo.refunds.create({ payment_id: paymentId, items: [{ item_id: product.product_id, amount: 999999 }] }), DodoPayments.UnprocessableEntityError);

  const pdf = await dodo.invoices.payments.retrieve(paymentId);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString(), '%PDF');
  const noKey = await fetch(`${baseURL}/invoices/payments/${paymentId}`);
  assert.equal(noKey.status, 404, 'without a key the PDF needs its access token');
  const withToken = await fetch(payment.invoice_url.replace(/^https?:\/\/[^/]+/, baseURL));
  assert.equal(withToken.status, 200);

  const other = client(process.env.CLIENTELE_OTHER_API_KEY);
  await assert.rejects(other.payments.retrieve(paymentId), DodoPayments.NotFoundError);
  await assert.rejects(other.refunds.retrieve(refund.refund_id), DodoPayments.NotFoundError);
  assert.ok(apiKey);
});
