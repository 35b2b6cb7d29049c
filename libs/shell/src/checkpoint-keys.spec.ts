import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvConfig } from '@countersign/config';
import { importCheckpointKeys, newCheckpointKeyFile, rotateCheckpointKeyFile } from '@countersign/runtime';
import { loadCheckpointKeys } from './checkpoint-keys.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'checkpoint-keys-spec-'));
const config = (env: Record<string, string>) => readEnvConfig(env);

describe('the checkpoint key file', () => {
  it('given the embedded default with no file named, when it starts twice, then the first start makes the file (0600) and the second uses it', async () => {
    const dir = dataDir();
    const first = await loadCheckpointKeys(config({ COUNTERSIGN_DATA_DIR: dir }), ['audit-projector', 'gateway']);
    const path = join(dir, 'checkpoint-keys.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(first!.signer.kid, /^checkpoint-\d{8}-[A-Za-z0-9]{12}$/);
    const second = await loadCheckpointKeys(config({ COUNTERSIGN_DATA_DIR: dir }), ['gateway']);
    assert.equal(second?.signer.kid, first?.signer.kid);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).keys[0].kid, first?.signer.kid);
  });

  it('given a process with neither the projector nor the gateway, then no keys are loaded or made', async () => {
    assert.equal(await loadCheckpointKeys(config({ COUNTERSIGN_DATA_DIR: dataDir() }), ['approval-router', 'notifier']), undefined);
  });

  it('given Kafka and no file named, then the projector and the gateway refuse to start, saying how to make one', async () => {
    for (const service of ['audit-projector', 'gateway'] as const) {
      await assert.rejects(loadCheckpointKeys(config({ COUNTERSIGN_KAFKA_BROKERS: '127.0.0.1:1', COUNTERSIGN_DATA_DIR: dataDir() }), [service]),
        new RegExp(`^Error: COUNTERSIGN_CHECKPOINT_KEYS: must be set for the ${service} on Kafka .*countersign checkpoint-keys generate --out FILE`));
    }
  });

  it('given a named file that is missing or malformed, then one line names the variable, the file and the field, without key material', async () => {
    const dir = dataDir();
    const missing = join(dir, 'nope.json');
    await assert.rejects(loadCheckpointKeys(config({ COUNTERSIGN_CHECKPOINT_KEYS: missing }), ['gateway']), new RegExp(`COUNTERSIGN_CHECKPOINT_KEYS: cannot read ${missing} \\(ENOENT\\)`));
    const file = await newCheckpointKeyFile(new Date('2026-01-01T00:00:00Z'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ keys: [{ ...file.keys[0], retiredAt: '2025-12-31T00:00:00Z' }] }));
    const error = String(await loadCheckpointKeys(config({ COUNTERSIGN_CHECKPOINT_KEYS: bad }), ['gateway']).catch((e) => e));
    assert.match(error, /bad\.json: \/keys\/0\/retiredAt must be after createdAt/);
    assert.doesNotMatch(error, new RegExp(String(file.keys[0].privateJwk.d)));
  });

  it('given rotations, then every retired key is kept with its window and exactly the newest signs', async () => {
    const t = (day: number) => new Date(Date.UTC(2026, 0, day));
    let file = await newCheckpointKeyFile(t(1));
    for (const day of [2, 21]) file = await rotateCheckpointKeyFile(file, t(day));
    const keys = await importCheckpointKeys(file);
    assert.equal(keys.keys.length, 3);
    assert.equal(keys.signer.kid, file.keys[2].kid);
    assert.deepEqual(keys.keys.map((k) => [k.notBefore, k.notAfter]), [
      [t(1).toISOString(), t(2).toISOString()], [t(2).toISOString(), t(21).toISOString()], [t(21).toISOString(), undefined],
    ]);
  });
});
