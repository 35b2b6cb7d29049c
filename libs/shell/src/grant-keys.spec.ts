import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvConfig } from '@countersign/config';
import { loadGrantKeys } from './grant-keys.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'grant-keys-spec-'));
const config = (env: Record<string, string>) => readEnvConfig(env);

describe('loading the grant key file at start', () => {
  it('given the embedded default with no file named, when it starts twice, then the first start makes the file (0600) and the second uses it', async () => {
    const dir = dataDir();
    const first = await loadGrantKeys(config({ COUNTERSIGN_DATA_DIR: dir }), ['gateway']);
    const path = join(dir, 'grant-keys.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const second = await loadGrantKeys(config({ COUNTERSIGN_DATA_DIR: dir }), ['gateway']);
    assert.equal(second?.signer.kid, first?.signer.kid);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).keys[0].kid, first?.signer.kid);
  });

  it('given a process without a gateway, then no keys are loaded or made', async () => {
    const dir = dataDir();
    assert.equal(await loadGrantKeys(config({ COUNTERSIGN_DATA_DIR: dir }), ['approval-router']), undefined);
  });

  it('given Kafka and no file named, then the gateway refuses to start, saying why and how to make one', async () => {
    await assert.rejects(loadGrantKeys(config({ COUNTERSIGN_KAFKA_BROKERS: '127.0.0.1:1', COUNTERSIGN_DATA_DIR: dataDir() }), ['gateway']),
      /^Error: COUNTERSIGN_GRANT_KEYS: must be set for the gateway on Kafka .*countersign grant-keys generate --out FILE/);
  });

  it('given a named file that is missing, not JSON or malformed, then one line names the variable, the file and the field', async () => {
    const dir = dataDir();
    const missing = join(dir, 'nope.json');
    await assert.rejects(loadGrantKeys(config({ COUNTERSIGN_GRANT_KEYS: missing }), ['gateway']), new RegExp(`COUNTERSIGN_GRANT_KEYS: cannot read ${missing} \\(ENOENT\\)`));
    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, '{"keys": [');
    await assert.rejects(loadGrantKeys(config({ COUNTERSIGN_GRANT_KEYS: garbled }), ['gateway']), /garbled\.json is not JSON/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ keys: [{ kid: 'k1', createdAt: 'x', privateJwk: {} }] }));
    await assert.rejects(loadGrantKeys(config({ COUNTERSIGN_GRANT_KEYS: bad }), ['gateway']), /bad\.json: \/keys\/0\/createdAt must be an ISO-8601 time/);
    assert.doesNotMatch(String(await loadGrantKeys(config({ COUNTERSIGN_GRANT_KEYS: bad }), ['gateway']).catch((e) => e)), /"d"/);
  });
});
