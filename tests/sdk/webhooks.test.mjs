import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, unique, DodoPayments } from './sdk.mjs';

const dodo = client();

test('webhook endpoints: create, retrieve, update, secret, headers, list, delete', async () => {
  const created = await dodo.webhooks.create({
    url: `https://example.com/${unique('hook')}`,
    description: 'SDK endpoint',
    filter_types: ['payment.succeeded'],
    headers: { 'X-Source': 'sdk' },
    metadata: { owner: 'sdk' },
  });
  assert.match(created.id, /^whk_/);
  assert.deepEqual(created.filter_types, ['payment.succeeded']);

  assert.deepEqual(await dodo.webhooks.retrieve(created.id), created);

  const updated = await dodo.webhooks.update(created.id, { description: 'renamed', disabled: true });
  assert.equal(updated.description, 'renamed');
  assert.equal(updated.disabled, true);

  const { secret } = await dodo.webhooks.retrieveSecret(created.id);
  assert.match(secret, /^whsec_/);

  await dodo.webhooks.headers.update(created.id, { headers: { 'X-Extra': '1' } });
  const headers = await dodo.webhooks.headers.retrieve(created.id);
  assert.deepEqual(headers.headers, { 'X-Source': 'sdk', 'X-Extra': '1' });
  assert.deepEqual(headers.sensitive, []);

  const second = await dodo.webhooks.create({ url: `https://example.com/${unique('hook')}` });
  const seen = [];
  for await (const webhook of dodo.webhooks.list({ limit: 1 })) seen.push(webhook.id);
  assert.deepEqual(seen, [second.id, created.id]);

  await dodo.webhooks.delete(created.id);
  await assert.rejects(dodo.webhooks.retrieve(created.id), DodoPayments.NotFoundError);
});

test('bad webhook input is a 422 naming the field', async () => {
  await assert.rejects(dodo.webhooks.create({ url: 'https://example.com/x', filter_types: ['nope.nope'] }), (err) => {
    assert.ok(err instanceof DodoPayments.UnprocessableEntityError);
    assert.match(err.error.message, /^filter_types\[0\]:/);
    return true;
  });
});
