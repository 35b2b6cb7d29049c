/**
 * The contract every NotificationChannel adapter passes (webhook, Slack, Teams), run against a
 * local server that plays the receiving side. Use from an `*.int.spec.ts`:
 *
 *   channelContract('webhook', async () => ({ channel, address: 'siem', received, failNext, close }));
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@countersign/contracts';
import { DeliveryError, type ApprovalMessage, type NotificationChannel } from './channel.port.ts';

/** What the receiving side saw of one message: at least which action it was about. */
export interface Observed {
  actionId: string;
  /** The outcome shown, when the message showed one (`approved`, …). */
  status?: string;
}

export interface ChannelHarness {
  /** The adapter under test, pointed at the local receiving side. */
  channel: NotificationChannel;
  /** An address the receiving side accepts (the part after `kind:`). */
  address: string;
  /** New messages the receiving side got, in order. */
  received(): Promise<Observed[]>;
  /** Messages changed in place, in order (channels with `update` only). */
  updated?(): Promise<Observed[]>;
  /** Makes the receiving side fail the next request as an outage would (e.g. 503). */
  failNext(): void;
  /** An address that can never work (an unknown webhook name, a channel the bot is not in). */
  badAddress: string;
  close(): Promise<void>;
}

let counter = 0;

/** The hash every sample message's parameters are bound to (as proposed, before redaction). */
export const SAMPLE_PARAMS_HASH = contentHash({ table: 'customers', password: 'hunter2', sql: 'select * from customers' });

/** A full message about a fresh action id, as the notifier builds them. */
export function sampleMessage(purpose: ApprovalMessage['purpose'] = 'request', actionId = `contract-${process.pid}-${++counter}`): ApprovalMessage {
  return {
    actionId,
    purpose,
    action: 'data.export',
    resource: 'prod/customers',
    params: { table: 'customers', password: '[redacted]', sql: 'select * from customers' },
    paramsHash: SAMPLE_PARAMS_HASH,
    display: { complete: true, params: { values: 3, shown: 3, cut: 0 }, cutFields: [] },
    requester: { id: 'demo-agent', kind: 'agent', onBehalfOf: 'carol' },
    justification: 'quarterly report',
    policy: { rule: 'prod-export', policyVersion: 'v1', reason: 'prod exports need a data steward', explanation: 'rule prod-export matched' },
    approval: { quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'], deadline: '2030-01-01T00:00:00.000Z', approvals: 0 },
    ...(purpose === 'decision' || purpose === 'callback'
      ? { decision: { status: 'approved', at: '2030-01-01T00:00:00.000Z', by: ['alice'], reason: 'approved by alice', automatic: false } }
      : {}),
  };
}

/**
 * `updatesInPlace` says whether the channel changes a sent message to show the outcome (chat
 * platforms) or not (webhooks, which send a second message instead): the update check is part of
 * the contract exactly for the channels that claim it.
 */
export function channelContract(name: string, setup: () => Promise<ChannelHarness>, { updatesInPlace }: { updatesInPlace: boolean }): void {
  describe(`${name} channel adapter: the NotificationChannel contract`, () => {
    let h: ChannelHarness;
    before(async () => {
      h = await setup();
    });
    after(async () => h.close());

    it('sends a message the receiving side sees, about the right action', async () => {
      // given a request message; when it is sent
      const message = sampleMessage('request');
      await h.channel.send(h.address, message);
      // then the receiving side has it
      const seen = await h.received();
      assert.ok(seen.some((o) => o.actionId === message.actionId), `received: ${JSON.stringify(seen)}`);
    });

    it('reports an outage as a retryable DeliveryError', async () => {
      h.failNext();
      await assert.rejects(h.channel.send(h.address, sampleMessage('request')), (e: unknown) => e instanceof DeliveryError && e.retryable === true && e.message.length > 0);
    });

    it('recovers once the receiving side is back', async () => {
      const message = sampleMessage('request');
      await h.channel.send(h.address, message);
      assert.ok((await h.received()).some((o) => o.actionId === message.actionId));
    });

    it('reports an address that cannot work as a DeliveryError that is not retried', async () => {
      await assert.rejects(h.channel.send(h.badAddress, sampleMessage('request')), (e: unknown) => e instanceof DeliveryError && e.retryable === false);
    });

    if (!updatesInPlace) {
      it('has no in-place update, so the notifier sends the outcome as a new message', () => assert.equal(h.channel.update, undefined));
      return;
    }
    it('updates a message it sent to show the outcome', async () => {
      assert.ok(h.channel.update && h.updated, `${name} claims in-place updates: the adapter needs update() and the harness updated()`);
      const message = sampleMessage('request');
      const ref = await h.channel.send(h.address, message);
      assert.ok(ref, 'send returns where the message lives, for update');
      await h.channel.update(ref, { ...sampleMessage('decision', message.actionId) });
      const changed = await h.updated();
      assert.ok(changed.some((o) => o.actionId === message.actionId && o.status === 'approved'), `updated: ${JSON.stringify(changed)}`);
    });
  });
}
