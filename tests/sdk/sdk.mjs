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
