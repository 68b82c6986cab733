import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, baseURL, DodoPayments } from './sdk.mjs';

const dodo = client();

/** Pays a checkout session the way a browser without JavaScript does: GET the page, POST the card form. */
async function pay(checkoutUrl) {
  const path = new URL(checkoutUrl).pathname;
  const page = await fetch(baseURL + path);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="__RequestVerificationToken"[^>]*value="([^"]+)"/.exec(await page.text())[1];
  const form = new URLSearchParams({ __RequestVerificationToken: token, cardNumber: '4242 4242 4242 4242', expiry: `12/${String((new Date().getUTCFullYear() + 5) % 100).padStart(2, '0')}`, cvc: '123', CardholderName: 'S. D. K.' });
  const paid = await fetch(baseURL + path, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  assert.equal(paid.status, 302, 'a paid checkout redirects');
  return new URL(paid.headers.get('location')).searchParams.get('payment_id');
}

/** A public call with plain fetch and no API key, as a customer's software makes it. */
async function publicPost(path, body) {
  const response = await fetch(baseURL + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function customerAndProduct() {
  const customer = await dodo.customers.create({ name: 'Lena', email: `${unique('sdk-lic')}@example.com` });
  const product = await dodo.products.create({
    name: 'Editor Pro', tax_category: 'digital_products', license_key_enabled: true, license_key_activations_limit: 3,
    price: { type: 'one_time_price', currency: 'USD', price: 3000, discount: 0, purchasing_power_parity: false },
  });
  return { customerId: customer.customer_id, productId: product.product_id };
}

test('license keys: import, activate, validate, deactivate, instances and key updates', async () => {
  const { customerId, productId } = await customerAndProduct();
  const keyText = unique('ABC-123');
  const key = await dodo.licenseKeys.create({ customer_id: customerId, product_id: productId, key: keyText, activations_limit: 1 });
  assert.match(key.id, /^lic_/);
  assert.equal(key.key, keyText);
  assert.equal(key.source, 'import');
  assert.equal(key.status, 'active');
  assert.equal(key.instances_count, 0);

  const instance = await dodo.licenses.activate({ license_key: keyText, name: 'laptop' });
  assert.match(instance.id, /^lki_/);
  assert.equal(instance.license_key_id, key.id);
  assert.equal(instance.product.product_id, productId);
  assert.equal(instance.customer.customer_id, customerId);
  await assert.rejects(dodo.licenses.activate({ license_key: keyText, name: 'desktop' }), DodoPayments.UnprocessableEntityError);
  assert.deepEqual(await dodo.licenses.validate({ license_key: keyText, license_key_instance_id: instance.id }), { valid: true });

  const instances = await dodo.licenseKeyInstances.list({ page_number: 0, license_key_id: key.id });
  assert.deepEqual(instances.items.map((i) => i.id), [instance.id]);
  assert.equal((await dodo.licenseKeyInstances.retrieve(instance.id)).name, 'laptop');
  assert.equal((await dodo.licenseKeyInstances.update(instance.id, { name: 'work laptop' })).name, 'work laptop');

  await assert.rejects(dodo.licenseKeys.update(key.id, { activations_limit: 0 }), DodoPayments.UnprocessableEntityError);
  assert.equal((await dodo.licenseKeys.update(key.id, { activations_limit: 2 })).activations_limit, 2);
  assert.equal((await dodo.licenseKeys.update(key.id, {})).activations_limit, 2);
  const retrieved = await dodo.licenseKeys.retrieve(key.id);
  assert.equal(retrieved.instances_count, 1);

  // A void endpoint: an empty 200, which the SDK hands back as an empty value.
  assert.ok(!(await dodo.licenses.deactivate({ license_key: keyText, license_key_instance_id: instance.id })));
  assert.deepEqual(await dodo.licenses.validate({ license_key: keyText, license_key_instance_id: instance.id }), { valid: false });
  await assert.rejects(dodo.licenses.deactivate({ license_key: keyText, license_key_instance_id: instance.id }), DodoPayments.PermissionDeniedError);
  await assert.rejects(dodo.licenses.activate({ license_key: unique('unknown'), name: 'x' }), DodoPayments.NotFoundError);

  const disabled = await dodo.licenseKeys.update(key.id, { disabled: true });
  assert.equal(disabled.status, 'disabled');
  await assert.rejects(dodo.licenses.activate({ license_key: keyText, name: 'blocked' }), DodoPayments.PermissionDeniedError);
  const listed = await dodo.licenseKeys.list({ page_number: 0, customer_id: customerId, status: 'disabled' });
  assert.deepEqual(listed.items.map((k) => k.id), [key.id]);
  await dodo.licenseKeys.update(key.id, { disabled: false });

  await assert.rejects(dodo.licenseKeys.create({ customer_id: customerId, product_id: productId, key: keyText }), DodoPayments.ConflictError);
  await assert.rejects(dodo.licenseKeys.create({ customer_id: 'cus_unknown', product_id: productId, key: unique('K') }), DodoPayments.NotFoundError);

  // The public endpoints need no API key at all.
  const activated = await publicPost('/licenses/activate', { license_key: keyText, name: 'no key' });
  assert.equal(activated.status, 201);
  assert.deepEqual((await publicPost('/licenses/validate', { license_key: keyText })).body, { valid: true });
  const deactivated = await publicPost('/licenses/deactivate', { license_key: keyText, license_key_instance_id: activated.body.id });
  assert.equal(deactivated.status, 200);

  const other = client(process.env.CLIENTELE_OTHER_API_KEY);
  await assert.rejects(other.licenseKeys.retrieve(key.id), DodoPayments.NotFoundError);
  await assert.rejects(other.licenseKeyInstances.retrieve(instance.id), DodoPayments.NotFoundError);
  const live = client(process.env.CLIENTELE_LIVE_API_KEY);
  await assert.rejects(live.licenseKeys.retrieve(key.id), DodoPayments.NotFoundError);
});

test('license keys: a paid checkout issues one key per unit', async () => {
  const { productId } = await customerAndProduct();
  const session = await dodo.checkoutSessions.create({
    product_cart: [{ product_id: productId, quantity: 2 }],
    customer: { email: `${unique('sdk-buy')}@example.com`, name: 'Buyer' },
    billing_address: { country: 'US' },
    return_url: 'https://shop.example.com/thanks',
  });
  const paymentId = await pay(session.checkout_url);
  const payment = await dodo.payments.retrieve(paymentId);
  const keys = await dodo.licenseKeys.list({ page_number: 0, customer_id: payment.customer.customer_id, product_id: productId, source: 'auto' });
  assert.equal(keys.items.length, 2);
  for (const key of keys.items) {
    assert.equal(key.payment_id, paymentId);
    assert.equal(key.activations_limit, 3);
    assert.match(key.key, /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
  }
  const instance = await dodo.licenses.activate({ license_key: keys.items[0].key, name: 'build server' });
  assert.equal(instance.license_key_id, keys.items[0].id);
});
