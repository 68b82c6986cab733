// The smoke run's outside world on loopback (deploy/smoke.sh starts and stops it): a webhook receiver
// that checks Standard Webhooks signatures, and an SMTP sink that accepts every message. Each arrival is
// one tab-separated line in $SMOKE_WORK/webhooks.tsv or mail.tsv (the script's checks load them into SQL);
// GET /mail?to=<address> answers the messages received for an address, decoded (the client reads
// sign-in links from it). Usage: node deploy/smoke-receiver.mjs <http port> <smtp port>
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(import.meta.dirname, '../tests/sdk/package.json'));
const { Webhook } = require('standardwebhooks');

const [httpPort, smtpPort] = process.argv.slice(2).map(Number);
const work = process.env.SMOKE_WORK;
if (!httpPort || !smtpPort || !work) throw new Error('usage: SMOKE_WORK=dir node smoke-receiver.mjs <http port> <smtp port>');
// Written synchronously, so the script's checks never read a line half-flushed.
const hooksLog = { write: (line) => fs.appendFileSync(path.join(work, 'webhooks.tsv'), line) };
const mailLog = { write: (line) => fs.appendFileSync(path.join(work, 'mail.tsv'), line) };
const mails = [];
let verifier = null;

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'PUT' && url.pathname === '/secret') {
    verifier = new Webhook(body.trim());
    res.end('ok');
  } else if (req.method === 'POST' && url.pathname === '/hook') {
    let valid = false;
    try {
      if (verifier) { verifier.verify(body, req.headers); valid = true; }
    } catch { valid = false; }
    const type = (() => { try { return JSON.parse(body).type; } catch { return null; } })();
    hooksLog.write(`${req.headers['webhook-id']}\t${type}\t${valid}\n`);
    res.writeHead(valid ? 200 : 400).end();
  } else if (req.method === 'GET' && url.pathname === '/mail') {
    const to = (url.searchParams.get('to') ?? '').toLowerCase();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mails.filter((m) => m.to.includes(to))));
  } else {
    res.writeHead(404).end();
  }
});
server.listen(httpPort, '127.0.0.1');

// SMTP, the subset MailKit uses without TLS or authentication (RFC 5321): EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
const smtp = net.createServer((socket) => {
  let buffer = '';
  let inData = false;
  let envelope = { from: '', to: [] };
  const reply = (line) => socket.write(line + '\r\n');
  reply('220 smoke-sink ESMTP');
  socket.on('error', () => {});
  socket.on('data', (data) => {
    buffer += data.toString('latin1');
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        const raw = ('\r\n' + buffer.slice(0, end)).replace(/\r\n\.\./g, '\r\n.').slice(2);
        buffer = buffer.slice(end + 5);
        inData = false;
        record(envelope, raw);
        envelope = { from: '', to: [] };
        reply('250 2.0.0 queued');
        continue;
      }
      const newline = buffer.indexOf('\r\n');
      if (newline < 0) return;
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') { reply('250-smoke-sink'); reply('250-8BITMIME'); reply('250 SMTPUTF8'); }
      else if (verb === 'HELO') reply('250 smoke-sink');
      else if (verb === 'MAIL') { envelope.from = line; reply('250 2.1.0 ok'); }
      else if (verb === 'RCPT') { envelope.to.push((/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase()); reply('250 2.1.5 ok'); }
      else if (verb === 'DATA') { inData = true; reply('354 end with <CRLF>.<CRLF>'); }
      else if (verb === 'RSET') { envelope = { from: '', to: [] }; reply('250 ok'); }
      else if (verb === 'NOOP') reply('250 ok');
      else if (verb === 'QUIT') { reply('221 bye'); socket.end(); return; }
      else reply('502 not implemented');
    }
  });
});
smtp.listen(smtpPort, '127.0.0.1');

function record(envelope, raw) {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, headerEnd).replace(/\r\n[ \t]+/g, ' ');
  const id = /^X-Clientele-Email-Id:\s*(\S+)/im.exec(headers)?.[1] ?? null;
  const messageId = /^Message-Id:\s*(\S+)/im.exec(headers)?.[1] ?? '';
  const subject = /^Subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
  const text = decodeParts(raw);
  const links = [...new Set(text.match(/https?:\/\/[^\s"<>)]+/g) ?? [])];
  const mail = { id, to: envelope.to, subject, links, at: new Date().toISOString() };
  mails.push(mail);
  mailLog.write(`${id}\t${envelope.to.join(',')}\t${messageId}\n`);
}

// The text of every MIME part, decoded (quoted-printable or base64), good enough to find links.
function decodeParts(raw) {
  return raw.split(/\r\n--[^\r\n]+\r\n/).map((part) => {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return '';
    const head = part.slice(0, split);
    const body = part.slice(split + 4);
    if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
      return Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    }
    return body;
  }).join('\n');
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
