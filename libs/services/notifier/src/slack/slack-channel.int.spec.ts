import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { channelContract, type Observed } from '../channel.contract.ts';
import { slackChannel } from './slack-channel.ts';

/**
 * The Slack adapter against a minimal Web API on a local port (chat.postMessage, chat.update):
 * enough to play Slack's side of the channel contract. The full fake, with signed interactions,
 * is test/support/fake-slack.ts (system tests).
 */
channelContract('slack', async () => {
  const posted: Observed[] = [];
  const updated: Observed[] = [];
  let failNext = false;
  let ts = 0;
  const observe = (form: URLSearchParams): Observed => {
    const blocks = JSON.parse(form.get('blocks') ?? '[]') as { type: string; elements?: { value?: string; text?: string }[]; text?: { text?: string } }[];
    const shown = JSON.stringify(blocks);
    const actionId = /action ([0-9A-Za-z-]+)/.exec(shown)?.[1] ?? '';
    const status = /^(Approved|Denied|Expired|Cancelled):/.exec(form.get('text') ?? '')?.[1]?.toLowerCase();
    return { actionId, ...(status ? { status } : {}) };
  };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const form = new URLSearchParams(body);
    const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (failNext) {
      failNext = false;
      return reply(503, { ok: false });
    }
    if (req.headers.authorization !== 'Bearer xoxb-contract') return reply(200, { ok: false, error: 'invalid_auth' });
    if (form.get('channel') === '#not-in-channel') return reply(200, { ok: false, error: 'not_in_channel' });
    if (req.url === '/api/chat.postMessage') {
      posted.push(observe(form));
      return reply(200, { ok: true, channel: 'C0CONTRACT', ts: `1700000000.${String(++ts).padStart(6, '0')}` });
    }
    if (req.url === '/api/chat.update') {
      updated.push(observe(form));
      return reply(200, { ok: true, channel: form.get('channel'), ts: form.get('ts') });
    }
    reply(200, { ok: false, error: 'unknown_method' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return {
    channel: slackChannel({ botToken: 'xoxb-contract', apiUrl }),
    address: '#data-approvals',
    badAddress: '#not-in-channel',
    received: async () => posted,
    updated: async () => updated,
    failNext: () => void (failNext = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}, { updatesInPlace: true });
