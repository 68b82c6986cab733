// Verifies one captured webhook delivery with the official SDK (webhooks.unwrap, which uses the
// standardwebhooks library). Input on stdin: {"secret", "headers": {...}, "body"}.
// Prints the parsed event type and exits 0 when the signature is valid; exits 1 otherwise.
import DodoPayments from 'dodopayments';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { secret, headers, body } = JSON.parse(input);
const client = new DodoPayments({ bearerToken: 'not-used-for-verification', baseURL: 'http://127.0.0.1:9', webhookKey: secret });
try {
  const event = client.webhooks.unwrap(body, { headers });
  console.log(`verified ${event.type} ${event.data.payload_type}`);
} catch (error) {
  console.log(`rejected: ${error.message}`);
  process.exit(1);
}
