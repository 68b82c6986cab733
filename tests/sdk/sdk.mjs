import DodoPayments from 'dodopayments';

export const baseURL = process.env.CLIENTELE_BASE_URL;
if (!baseURL) throw new Error('CLIENTELE_BASE_URL is not set; run through the xUnit suite.');

export function client(key = process.env.CLIENTELE_API_KEY) {
  return new DodoPayments({ bearerToken: key, baseURL, maxRetries: 0, timeout: 15_000 });
}

export function unique(label) {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export { DodoPayments };

/**
 * Pays a hosted checkout page the way a browser without JavaScript does: GET the page (antiforgery
 * cookie and token), POST the card form. Returns the payment id, from the return_url redirect or,
 * without a return_url, from the receipt page.
 */
export async function payCheckout(checkoutUrl, card = '4242 4242 4242 4242') {
  const path = new URL(checkoutUrl).pathname;
  const page = await fetch(baseURL + path);
  if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="__RequestVerificationToken"[^>]*value="([^"]+)"/.exec(await page.text())[1];
  const form = new URLSearchParams({ __RequestVerificationToken: token, cardNumber: card, expiry: `12/${String((new Date().getUTCFullYear() + 5) % 100).padStart(2, '0')}`, cvc: '123', CardholderName: 'S. D. K.' });
  const paid = await fetch(baseURL + path, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  if (paid.status !== 302) throw new Error(`POST ${path}: expected a redirect after paying, got ${paid.status}`);
  const location = new URL(paid.headers.get('location'), baseURL);
  const fromRedirect = location.searchParams.get('payment_id');
  if (fromRedirect) return fromRedirect;
  const receipt = await (await fetch(baseURL + location.pathname, { headers: { cookie } })).text();
  return /id="payment-id">(pay_[0-9A-Za-z]+)</.exec(receipt)[1];
}
