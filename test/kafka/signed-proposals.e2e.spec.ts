/**
 * A pipeline inside the cluster proposes straight onto the proposals topic, as
 * examples/kafka-producer does: a signed proposal is decided and its callback fires; unsigned,
 * forged, stale and replayed records are dead-lettered with the reason and create no action.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, type ActionEvent, type DeadLetter } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { waitFor } from '@countersign/testing';
import { exportJWK, generateKeyPair } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { proposeAction, proposeAndWait, signProposal, topics, type ProposalInput } from '@countersign/example-kafka-producer';
import { client, KEYS } from '../support/api-client.ts';
import { distributedEnv, removeDir, ROOT, SHAPE, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.ts';

const CALLBACK_SECRET = `whsec_${Buffer.from('e2e secret of pipeline callbacks').toString('base64')}`;
const etl = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const forger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const BROKERS = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

describe('pipelines publishing signed proposals onto Kafka', { skip: SHAPE !== 'distributed' && 'needs COUNTERSIGN_E2E_SHAPE=distributed' }, () => {
  let cs: Awaited<ReturnType<typeof startCountersign>>;
  let receiver: WebhookReceiver;
  let kafka: Kafka;
  let log: EventLog;
  let namespace: string;
  const signer = { principal: 'etl-pipeline', keyId: 'etl-1', privateKey: etl.privateKey };
  const input = (over: Partial<ProposalInput> = {}): ProposalInput => ({ principal: 'etl-pipeline', kind: 'agent', action: 'data.read', resource: 'prod/orders', idempotencyKey: randomUUID(), ...over });

  before(async () => {
    // given the demo principals and a pipeline whose public key is registered
    const principals = await mkdtemp(join(tmpdir(), 'countersign-principals-'));
    await writeFile(join(principals, 'demo.yaml'), await readFile(join(ROOT, 'config/demo/principals/demo.yaml')));
    await writeFile(join(principals, 'pipelines.yaml'), 'apiVersion: countersign.dev/v1\nkind: PrincipalList\nspec:\n  principals:\n' +
      `    - id: etl-pipeline\n      kind: agent\n      owner: alice\n      signingKeys: [{ id: etl-1, publicKey: ${(await exportJWK(etl.publicKey)).x} }]\n`);
    receiver = await startWebhookReceiver(CALLBACK_SECRET);
    cs = await startCountersign({
      env: { ...E2E_ENV, COUNTERSIGN_PRINCIPALS: principals, COUNTERSIGN_CALLBACK_SECRET: CALLBACK_SECRET, COUNTERSIGN_OUTBOUND_ALLOW: '127.0.0.1' },
    });
    namespace = distributedEnv(cs.dataDir).COUNTERSIGN_KAFKA_NAMESPACE;
    kafka = new Kafka({ clientId: `e2e-pipeline-${randomUUID().slice(0, 8)}`, brokers: BROKERS, logLevel: logLevel.NOTHING });
    log = namespacedEventLog(await createKafkaEventLog({ brokers: BROKERS, clientId: `e2e-${randomUUID().slice(0, 8)}`, log: () => undefined }), namespace);
  });
  after(async () => {
    await cs?.stop();
    await receiver?.close();
    if (cs) await removeDir(cs.dataDir);
  });

  const carol = () => client(cs.url, KEYS.carol);
  const events = async (actionId: string) => {
    const found: ActionEvent[] = [];
    await log.readAll(TOPICS.events, (records) => void found.push(...records.map((r) => r.value as ActionEvent).filter((e) => e?.streamId === actionId)));
    return found;
  };
  let decided: { record: Awaited<ReturnType<typeof signProposal>>; actionId: string } | undefined;

  it('decides a signed proposal, as POST /v1/actions would, and calls the pipeline back', async () => {
    const command = proposeAction(input({ callbackUrl: receiver.url('/etl/decided?run=7'), params: { table: 'orders' } }));
    const record = await signProposal(command, signer);
    // when the example publishes it and waits on the events topic
    const { decision } = await proposeAndWait(kafka, namespace, record, command.actionId);
    // then it is decided under policy, requested by the pipeline for its owner
    assert.equal(decision.type, 'ActionApproved');
    // (the read model follows the events topic: wait for it)
    const view = await waitFor(async () => {
      const res = await carol().get(`/v1/actions/${command.actionId}`);
      return res.status === 200 ? res.body : undefined;
    }, { what: 'the action in the read model', timeoutMs: 30_000 });
    assert.equal(view.status, 'approved', JSON.stringify(view));
    assert.equal(view.requester, 'etl-pipeline');
    assert.equal(view.onBehalfOf, 'alice', 'the owner comes from the principals file');
    const callback: ReceivedWebhook = await receiver.waitFor((r) => r.body?.data?.actionId === command.actionId && r.body?.type === 'action.decided');
    assert.ok(callback.verified, callback.verifyError);
    assert.equal(callback.path, '/etl/decided?run=7');
    decided = { record, actionId: command.actionId };
  });

  it('dead-letters unsigned, forged, stale and replayed records with the reason, and creates no action', async () => {
    assert.ok(decided, 'needs the decided proposal of the test before');
    const unsigned = proposeAction(input());
    const forged = proposeAction(input());
    const stale = proposeAction(input(), new Date(Date.now() - 10 * 60_000));
    const bad: Array<{ actionId: string; value: unknown; reason: RegExp }> = [
      { actionId: unsigned.actionId, value: unsigned, reason: /\/protected must have required property|\/protected is required/ },
      { actionId: forged.actionId, value: await signProposal(forged, { ...signer, privateKey: forger.privateKey }), reason: /bad signature: the record does not verify under etl-pipeline\/etl-1/ },
      { actionId: stale.actionId, value: await signProposal(stale, signer), reason: /stale: issued at .*, more than 300 s ago/ },
      { actionId: decided.actionId, value: decided.record, reason: /replayed: command etl-pipeline\/\S+ was already received in another record/ },
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics(namespace).proposals, messages: bad.map((b) => ({ key: b.actionId, value: JSON.stringify(b.value) })) });
    await producer.disconnect();
    // then the evaluator dead-letters each, saying why
    const letters = await waitFor(async () => {
      const all: DeadLetter[] = [];
      await log.readAll(TOPICS.deadLetter, (records) => void all.push(...records.map((r) => r.value as DeadLetter)));
      const ours = bad.map((b) => all.find((l) => l.value === JSON.stringify(b.value)));
      return ours.every(Boolean) ? (ours as DeadLetter[]) : undefined;
    }, { what: 'the four records dead-lettered', timeoutMs: 30_000 });
    letters.forEach((letter, i) => {
      assert.match(letter.reason, bad[i].reason);
      assert.equal(letter.consumerGroup.endsWith('policy-evaluator'), true, letter.consumerGroup);
    });
    // and nothing was proposed by them: no action, and the replayed one is still the one action it was
    for (const b of bad.slice(0, 3)) {
      assert.deepEqual(await events(b.actionId), [], `no events for ${b.actionId}`);
      assert.equal((await carol().get(`/v1/actions/${b.actionId}`)).status, 404);
    }
    assert.equal((await events(decided.actionId)).filter((e) => e.type === 'ActionProposed').length, 1);
  });
});
