import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DEMO_WORKSPACE, readEnvConfig, REPO_ROOT } from './index.ts';

describe('readEnvConfig', () => {
  it('defaults to the demo workspace on 127.0.0.1:8080', () => {
    assert.deepEqual(readEnvConfig({}), {
      port: 8080,
      host: '127.0.0.1',
      dataDir: resolve('.countersign'),
      principalsDir: DEMO_WORKSPACE.principalsDir,
      policiesDir: DEMO_WORKSPACE.policiesDir,
      logLevel: 'info',
      kafkaBrokers: undefined,
      kafkaPartitions: 6,
      kafkaNamespace: undefined,
      mongoUrl: undefined,
      mongoDatabase: 'countersign',
      instanceId: 'local',
    });
  });

  it('finds the repository root from its own location', () => {
    assert.ok(existsSync(join(REPO_ROOT, 'tsconfig.base.json')));
    assert.equal(DEMO_WORKSPACE.policiesDir, join(REPO_ROOT, 'config', 'demo', 'policies'));
  });

  it('reads every variable, resolving directories against the working directory', () => {
    const config = readEnvConfig({
      PORT: '65535',
      HOST: '0.0.0.0',
      COUNTERSIGN_DATA_DIR: '/var/lib/countersign',
      COUNTERSIGN_PRINCIPALS: 'ops/principals',
      COUNTERSIGN_POLICIES: '/etc/countersign/policies',
      COUNTERSIGN_LOG_LEVEL: 'debug',
      COUNTERSIGN_KAFKA_BROKERS: '127.0.0.1:19092, kafka-1.internal:9092',
      COUNTERSIGN_KAFKA_PARTITIONS: '12',
      COUNTERSIGN_KAFKA_NAMESPACE: 'staging',
      COUNTERSIGN_MONGO_URL: 'mongodb://127.0.0.1:27018/',
      COUNTERSIGN_MONGO_DB: 'audit',
      HOSTNAME: 'router-0',
    });
    assert.deepEqual(config, {
      port: 65535,
      host: '0.0.0.0',
      dataDir: '/var/lib/countersign',
      principalsDir: resolve('ops/principals'),
      policiesDir: '/etc/countersign/policies',
      logLevel: 'debug',
      kafkaBrokers: ['127.0.0.1:19092', 'kafka-1.internal:9092'],
      kafkaPartitions: 12,
      kafkaNamespace: 'staging',
      mongoUrl: 'mongodb://127.0.0.1:27018/',
      mongoDatabase: 'audit',
      instanceId: 'router-0',
    });
  });

  it('treats empty variables as unset', () => {
    assert.equal(readEnvConfig({ PORT: '', COUNTERSIGN_LOG_LEVEL: '' }).port, 8080);
  });

  const invalid: [Record<string, string>, string][] = [
    [{ PORT: '0' }, 'PORT: must be an integer from 1 to 65535 (got "0")'],
    [{ PORT: '65536' }, 'PORT: must be an integer from 1 to 65535 (got "65536")'],
    [{ PORT: '80a' }, 'PORT: must be an integer from 1 to 65535 (got "80a")'],
    [{ PORT: '-1' }, 'PORT: must be an integer from 1 to 65535 (got "-1")'],
    [{ PORT: '8080.5' }, 'PORT: must be an integer from 1 to 65535 (got "8080.5")'],
    [{ HOST: 'local host' }, 'HOST: must be a host name or IP address (got "local host")'],
    [{ COUNTERSIGN_LOG_LEVEL: 'verbose' }, 'COUNTERSIGN_LOG_LEVEL: must be one of debug, info, warn, error (got "verbose")'],
    [{ COUNTERSIGN_POLICIES: ' policies' }, 'COUNTERSIGN_POLICIES: must be a directory path without surrounding spaces (got " policies")'],
    [{ COUNTERSIGN_KAFKA_BROKERS: 'localhost' }, 'COUNTERSIGN_KAFKA_BROKERS: must be comma-separated host:port pairs, e.g. 127.0.0.1:19092 (got "localhost")'],
    [{ COUNTERSIGN_KAFKA_PARTITIONS: '0' }, 'COUNTERSIGN_KAFKA_PARTITIONS: must be an integer from 1 to 1000 (got "0")'],
    [{ COUNTERSIGN_MONGO_URL: 'postgres://x' }, 'COUNTERSIGN_MONGO_URL: must be a mongodb:// or mongodb+srv:// URL (got "postgres://x")'],
    [{ COUNTERSIGN_INSTANCE_ID: 'a b' }, 'COUNTERSIGN_INSTANCE_ID: must be letters, digits, ".", "_" or "-" (got "a b")'],
  ];
  for (const [env, message] of invalid) {
    it(`rejects ${JSON.stringify(env)} with a one-line error`, () => {
      assert.throws(() => readEnvConfig(env), (e: unknown) => e instanceof ConfigError && e.message === message);
    });
  }

  it('names every bad variable at once, one per line', () => {
    // given two bad variables
    const env = { PORT: 'http', COUNTERSIGN_LOG_LEVEL: 'loud' };
    // when the config is read, then both are named
    assert.throws(
      () => readEnvConfig(env),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === 'PORT: must be an integer from 1 to 65535 (got "http")\nCOUNTERSIGN_LOG_LEVEL: must be one of debug, info, warn, error (got "loud")' &&
        e.problems.length === 2,
    );
  });
});
