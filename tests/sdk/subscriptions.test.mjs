import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, payCheckout, DodoPayments } from './sdk.mjs';

const dodo = client();
const returnUrl = 'https://shop.example.com/done';

// Required fields of the reference's responses (the spec's `required`, plus what npm 2.52.0 adds).
const SUBSCRIPTION_FIELDS = ['subscription_id', 'brand_id', 'product_id', 'quantity', 'customer', 'billing', 'metadata', 'created_at', 'status',
  'cancel_at_next_billing_date', 'next_billing_date', 'previous_billing_date', 'currency', 'recurring_pre_tax_amount', 'tax_inclusive', 'on_demand',
  'payment_frequency_count', 'payment_frequency_interval', 'subscription_period_count', 'subscription_period_interval', 'trial_period_days',
  'addons', 'meters', 'credit_entitlement_cart', 'meter_credit_entitlement_cart', 'has_payment_method'];
const LIST_ITEM_FIELDS = ['subscription_id', 'product_id', 'quantity', 'customer', 'billing', 'metadata', 'created_at', 'status', 'cancel_at_next_billing_date',
  'next_billing_date', 'previous_billing_date', 'currency', 'recurring_pre_tax_amount', 'tax_inclusive', 'on_demand', 'payment_frequency_count',
  'payment_frequency_interval', 'subscription_period_count', 'subscription_period_interval', 'trial_period_days', 'discounts', 'has_payment_method'];
const CREATE_FIELDS = ['subscription_id', 'payment_id', 'customer', 'metadata', 'recurring_pre_tax_amount', 'addons', 'payment_method_required'];

function assertFields(object, fields, what) {
  for (const field of fields) {
    assert.ok(object[field] !== undefined && object[field] !== null, `${what}: required field ${field} is missing`);
  }
  for (const field of ['customer_id', 'name', 'email']) {
    assert.equal(typeof object.customer[field], 'string', `${what}: customer.${field}`);
  }
}

function assertSubscription(subscription) {
  assertFields(subscription, SUBSCRIPTION_FIELDS, 'Subscription');
  assert.match(subscription.subscription_id, /^sub_/);
  for (const field of ['addons', 'meters', 'credit_entitlement_cart', 'meter_credit_entitlement_cart']) {
    assert.ok(Array.isArray(subscription[field]), `${field} is an array`);
  }
  assert.ok(!Number.isNaN(Date.parse(subscription.next_billing_date)));
  assert.ok(!Number.isNaN(Date.parse(subscription.previous_billing_date)));
  return subscription;
}

const monthly = (price) => ({
  type: 'recurring_price', currency: 'USD', price, discount: 0, purchasing_power_parity: false,
  payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 10, subscription_period_interval: 'Year', trial_period_days: 0,
});

async function recurringProduct(price, name = 'Plan') {
  return (await dodo.products.create({ name: unique(name), tax_category: 'saas', price: monthly(price) })).product_id;
}

async function oneTimeProduct(price) {
  return (await dodo.products.create({
    name: unique('One-off'), tax_category: 'digital_products',
    price: { type: 'one_time_price', currency: 'USD', price, discount: 0, purchasing_power_parity: false },
  })).product_id;
}

/** A Clientele extension: plan changes and pausing are off until the business allows them. */
function allow(planChanges, pause) {
  return dodo.patch('/settings/subscriptions', { body: { allow_plan_changes: planChanges, allow_customer_pause: pause } });
}

async function newCustomer() {
  return (await dodo.customers.create({ email: `${unique('sub')}@example.com`, name: 'Sam Subscriber' })).customer_id;
}

/** Saves a card the way customers do: by paying a checkout with it. Returns the payment method id. */
async function saveCard(customerId, card = '4242 4242 4242 4242') {
  const session = await dodo.checkoutSessions.create({
    product_cart: [{ product_id: await oneTimeProduct(100), quantity: 1 }],
    customer: { customer_id: customerId },
    billing_address: { country: 'US' },
    return_url: returnUrl,
  });
  const payment = await dodo.payments.retrieve(await payCheckout(session.checkout_url, card));
  assert.equal(payment.status, 'succeeded');
  assert.match(payment.payment_method_id, /.+/);
  return payment.payment_method_id;
}

/** An active subscription charged at once to a saved card (no hosted page). */
async function subscribeWithSavedCard(productId, customerId) {
  customerId ??= await newCustomer();
  const paymentMethodId = await saveCard(customerId);
  const created = await dodo.subscriptions.create({
    product_id: productId, quantity: 1, customer: { customer_id: customerId }, billing: { country: 'US' }, payment_method_id: paymentMethodId,
  });
  return { created, customerId, paymentMethodId };
}

test('create with payment_link: the hosted page starts the subscription', async () => {
  const product = await recurringProduct(1200);
  const created = await dodo.subscriptions.create({
    product_id: product, quantity: 2, customer: { email: `${unique('link')}@example.com`, name: 'Lee Link' },
    billing: { country: 'US', city: 'Austin', state: 'TX', street: '1 Main St', zipcode: '78701' },
    payment_link: true, return_url: returnUrl, metadata: { plan: 'team' },
  });
  assertFields(created, CREATE_FIELDS, 'create response');
  assert.match(created.subscription_id, /^sub_/);
  assert.match(created.payment_id, /^pay_/);
  assert.match(created.payment_link, /^https?:\/\//);
  assert.equal(created.recurring_pre_tax_amount, 2400);
  assert.deepEqual(created.addons, []);
  assert.deepEqual(created.metadata, { plan: 'team' });
  assert.equal(created.payment_method_required, true);

  const pending = assertSubscription(await dodo.subscriptions.retrieve(created.subscription_id));
  assert.equal(pending.status, 'pending');
  assert.equal(pending.quantity, 2);
  assert.equal(pending.billing.city, 'Austin');
  assert.equal(pending.has_payment_method, false);

  const paymentId = await payCheckout(created.payment_link);
  assert.equal(paymentId, created.payment_id, 'the hosted page completes the payment the API named');
  const payment = await dodo.payments.retrieve(paymentId);
  assert.equal(payment.status, 'succeeded');
  assert.equal(payment.total_amount, 2400);
  assert.equal(payment.subscription_id, created.subscription_id);

  const active = assertSubscription(await dodo.subscriptions.retrieve(created.subscription_id));
  assert.equal(active.status, 'active');
  assert.equal(active.payment_method_id, payment.payment_method_id);
  assert.equal(active.has_payment_method, true);
  assert.ok(Date.parse(active.next_billing_date) > Date.now(), 'the next billing date is ahead');
});

test('create with a saved card, retrieve, list by status and customer', async () => {
  const product = await recurringProduct(900);
  const { created, customerId, paymentMethodId } = await subscribeWithSavedCard(product);
  assertFields(created, CREATE_FIELDS, 'create response');
  assert.ok(created.payment_link == null, 'a saved card needs no hosted page');
  assert.equal(created.customer.customer_id, customerId);

  const subscription = assertSubscription(await dodo.subscriptions.retrieve(created.subscription_id));
  assert.equal(subscription.status, 'active');
  assert.equal(subscription.payment_method_id, paymentMethodId);
  assert.equal(subscription.product_id, product);
  assert.equal(subscription.recurring_pre_tax_amount, 900);
  assert.equal(subscription.payment_frequency_interval, 'Month');
  assert.equal(subscription.cancel_at_next_billing_date, false);
  const first = await dodo.payments.retrieve(created.payment_id);
  assert.equal(first.status, 'succeeded');
  assert.equal(first.total_amount, 900);

  const active = await dodo.subscriptions.list({ page_number: 0, status: 'active', customer_id: customerId });
  assert.deepEqual(active.items.map((s) => s.subscription_id), [created.subscription_id]);
  assertFields(active.items[0], LIST_ITEM_FIELDS, 'list item');
  assert.ok(Array.isArray(active.items[0].discounts));
  const cancelled = await dodo.subscriptions.list({ page_number: 0, status: 'cancelled', customer_id: customerId });
  assert.deepEqual(cancelled.items, []);
  const pastTheEnd = await dodo.subscriptions.list({ page_number: 5, customer_id: customerId });
  assert.deepEqual(pastTheEnd.items, []);
});

test('update: {} is a no-op, cancel at the next billing date and back, pause and resume', async () => {
  const { created } = await subscribeWithSavedCard(await recurringProduct(700));
  const id = created.subscription_id;
  const before = await dodo.subscriptions.retrieve(id);

  const same = assertSubscription(await dodo.subscriptions.update(id, {}));
  for (const field of ['status', 'product_id', 'quantity', 'next_billing_date', 'previous_billing_date', 'cancel_at_next_billing_date', 'recurring_pre_tax_amount']) {
    assert.deepEqual(same[field], before[field], `{} leaves ${field} alone`);
  }
  assert.deepEqual(same.metadata, before.metadata);

  const cancelling = assertSubscription(await dodo.subscriptions.update(id, { cancel_at_next_billing_date: true }));
  assert.equal(cancelling.cancel_at_next_billing_date, true);
  assert.equal(cancelling.status, 'active', 'it stays active until the period ends');
  const listed = await dodo.subscriptions.list({ page_number: 0, customer_id: before.customer.customer_id, cancel_at_next_billing_date: true });
  assert.deepEqual(listed.items.map((s) => s.subscription_id), [id]);
  const kept = assertSubscription(await dodo.subscriptions.update(id, { cancel_at_next_billing_date: false }));
  assert.equal(kept.cancel_at_next_billing_date, false);

  await allow(false, false);
  await assert.rejects(dodo.subscriptions.update(id, { pause: true }), DodoPayments.PermissionDeniedError, 'pausing is off by default');
  await allow(true, true);
  const paused = assertSubscription(await dodo.subscriptions.update(id, { pause: true }));
  assert.equal(paused.status, 'paused');
  assert.ok(paused.paused_at);
  await assert.rejects(dodo.subscriptions.update(id, { pause: true, metadata: { a: 'b' } }), DodoPayments.UnprocessableEntityError, 'pause must be sent alone');
  const resumed = assertSubscription(await dodo.subscriptions.update(id, { pause: false }));
  assert.equal(resumed.status, 'active');
  assert.ok(resumed.paused_at == null);
});

test('change plan: preview and change with prorated_immediately, schedule for the next billing date, cancel the scheduled change', async () => {
  await allow(true, true);
  const basic = await recurringProduct(1000, 'Basic');
  const pro = await recurringProduct(3000, 'Pro');
  const collection = await dodo.productCollections.create({ name: unique('Tiers'), groups: [{ group_name: 'Plans', products: [{ product_id: basic }, { product_id: pro }] }] });
  assert.ok(collection.id);
  const { created, customerId } = await subscribeWithSavedCard(basic);
  const id = created.subscription_id;

  const preview = await dodo.subscriptions.previewChangePlan(id, { product_id: pro, quantity: 1, proration_billing_mode: 'prorated_immediately' });
  assert.ok(!Number.isNaN(Date.parse(preview.immediate_charge.effective_at)));
  assert.ok(Array.isArray(preview.immediate_charge.line_items) && preview.immediate_charge.line_items.length > 0);
  assert.equal(preview.immediate_charge.summary.currency, 'USD');
  // Almost the whole month is left: about the 2,000 difference.
  const quoted = preview.immediate_charge.summary.total_amount;
  assert.ok(quoted > 1900 && quoted <= 2000, `prorated upgrade costs ${quoted}`);
  assertSubscription(preview.new_plan);
  assert.equal(preview.new_plan.product_id, pro);
  assert.equal(preview.new_plan.recurring_pre_tax_amount, 3000);
  assert.equal((await dodo.subscriptions.retrieve(id)).product_id, basic, 'a preview changes nothing');

  const changed = await dodo.subscriptions.changePlan(id, { product_id: pro, quantity: 1, proration_billing_mode: 'prorated_immediately' });
  assert.match(changed.payment_id, /^pay_/);
  const payment = await dodo.payments.retrieve(changed.payment_id);
  assert.equal(payment.status, 'succeeded');
  assert.ok(Math.abs(payment.total_amount - quoted) <= 1, `charged ${payment.total_amount}, quoted ${quoted}`);
  const upgraded = assertSubscription(await dodo.subscriptions.retrieve(id));
  assert.equal(upgraded.product_id, pro);
  assert.equal(upgraded.recurring_pre_tax_amount, 3000);
  assert.equal(upgraded.status, 'active');

  const outside = await recurringProduct(500, 'Elsewhere');
  await assert.rejects(dodo.subscriptions.changePlan(id, { product_id: outside, quantity: 1, proration_billing_mode: 'prorated_immediately' }),
    DodoPayments.UnprocessableEntityError, 'only products of the same collection');

  await dodo.subscriptions.changePlan(id, { product_id: basic, quantity: 1, proration_billing_mode: 'prorated_immediately', effective_at: 'next_billing_date' });
  const scheduled = assertSubscription(await dodo.subscriptions.retrieve(id));
  assert.equal(scheduled.product_id, pro, 'the plan stays until the next billing date');
  assert.equal(scheduled.scheduled_change.product_id, basic);
  assert.equal(Date.parse(scheduled.scheduled_change.effective_at), Date.parse(scheduled.next_billing_date));
  for (const field of ['id', 'quantity', 'created_at', 'addons']) assert.ok(scheduled.scheduled_change[field] != null, `scheduled_change.${field}`);
  await assert.rejects(dodo.subscriptions.changePlan(id, { product_id: basic, quantity: 2, proration_billing_mode: 'prorated_immediately' }),
    DodoPayments.ConflictError, 'one pending change at a time');

  const { response } = await dodo.subscriptions.cancelChangePlan(id).withResponse();
  assert.equal(response.status, 204);
  const unscheduled = await dodo.subscriptions.retrieve(id);
  assert.ok(unscheduled.scheduled_change == null);
  assert.equal(unscheduled.product_id, pro);
  await assert.rejects(dodo.subscriptions.cancelChangePlan(id), DodoPayments.NotFoundError, 'nothing left to cancel');

  const payments = await dodo.payments.list({ page_number: 0, customer_id: customerId, subscription_id: id });
  assert.deepEqual(payments.items.map((p) => p.payment_id).sort(), [created.payment_id, changed.payment_id].sort());
});

test('charge, update the payment method, and cancel', async () => {
  const { created, paymentMethodId } = await subscribeWithSavedCard(await recurringProduct(1500));
  const id = created.subscription_id;

  const charge = await dodo.subscriptions.charge(id, { product_price: 500, product_description: 'Extra seats' });
  assert.match(charge.payment_id, /^pay_/);
  const payment = await dodo.payments.retrieve(charge.payment_id);
  assert.equal(payment.status, 'succeeded');
  assert.equal(payment.total_amount, 500);
  assert.equal(payment.subscription_id, id);
  assert.equal(payment.payment_method_id, paymentMethodId);

  // The SDK sends the payment_method object itself as the body.
  const update = await dodo.subscriptions.updatePaymentMethod(id, { payment_method: { type: 'new', return_url: returnUrl } });
  assert.match(update.payment_link, /^https?:\/\//);
  // Paying that page with another card makes it the subscription's card.
  await payCheckout(update.payment_link, '5555 5555 5555 4444');
  const moved = await dodo.subscriptions.retrieve(id);
  assert.notEqual(moved.payment_method_id, paymentMethodId);
  assert.equal(moved.status, 'active');
  const back = await dodo.subscriptions.updatePaymentMethod(id, { payment_method: { type: 'existing', payment_method_id: paymentMethodId } });
  assert.ok(back.payment_link == null, 'an existing method needs no page');
  assert.equal((await dodo.subscriptions.retrieve(id)).payment_method_id, paymentMethodId);

  const cancelled = assertSubscription(await dodo.subscriptions.update(id, { status: 'cancelled', cancel_reason: 'cancelled_by_merchant' }));
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(cancelled.cancelled_at);
  assert.equal((await dodo.subscriptions.retrieve(id)).status, 'cancelled');
  await assert.rejects(dodo.subscriptions.charge(id, { product_price: 500 }), DodoPayments.UnprocessableEntityError, 'a cancelled subscription is not charged');
  await assert.rejects(dodo.subscriptions.update(id, { cancel_at_next_billing_date: true }), DodoPayments.UnprocessableEntityError);
});

test('errors: another business sees 404, a one-time product is 422, unknown ids are 404', async () => {
  const { created } = await subscribeWithSavedCard(await recurringProduct(800));
  const id = created.subscription_id;

  if (process.env.CLIENTELE_OTHER_API_KEY) {
    const other = client(process.env.CLIENTELE_OTHER_API_KEY);
    await assert.rejects(other.subscriptions.retrieve(id), DodoPayments.NotFoundError);
    await assert.rejects(other.subscriptions.update(id, { status: 'cancelled' }), DodoPayments.NotFoundError);
    await assert.rejects(other.subscriptions.charge(id, { product_price: 100 }), DodoPayments.NotFoundError);
    const theirs = await other.subscriptions.list({ page_number: 0, customer_id: created.customer.customer_id });
    assert.deepEqual(theirs.items, []);
    assert.equal((await dodo.subscriptions.retrieve(id)).status, 'active', 'the other business changed nothing');
  }

  const oneTime = await oneTimeProduct(2500);
  await assert.rejects(dodo.subscriptions.create({
    product_id: oneTime, quantity: 1, customer: { email: `${unique('once')}@example.com`, name: 'Once' }, billing: { country: 'US' }, payment_link: true,
  }), (error) => error instanceof DodoPayments.UnprocessableEntityError && /product_id/.test(error.message));
  await assert.rejects(dodo.subscriptions.retrieve('sub_doesnotexist000000000'), DodoPayments.NotFoundError);
});
