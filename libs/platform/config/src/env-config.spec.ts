import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_GATEWAY_LIMITS, DEMO_WORKSPACE, readEnvConfig, REPO_ROOT } from './index.ts';

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
      gateway: {
        bodyBytes: 65_536, policyBodyBytes: 1_048_576, pendingPerRequester: 1000, proposalBytesPerWindow: 8_388_608, proposalWindowSeconds: 60,
        pageBytes: 1_048_576, logTimeoutMs: 5000, readTimeoutMs: 5000, readConcurrency: 16, answerWaitMs: 10_000, maxWaiting: 10_000,
        maxStreams: 1000, streamHeartbeatMs: 15_000, maxExportActions: 100_000,
      },
      proposals: { maxAgeMs: 300_000, maxFutureMs: 30_000, replayCapacity: 1_000_000 },
      checkpointIntervalMs: 60_000,
    });
    assert.deepEqual(readEnvConfig({}).gateway, DEFAULT_GATEWAY_LIMITS);
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
      COUNTERSIGN_MAX_BODY_BYTES: '32768',
      COUNTERSIGN_MAX_POLICY_BODY_BYTES: '2097152',
      COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '50',
      COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: '4194304',
      COUNTERSIGN_PROPOSAL_WINDOW_SECONDS: '30',
      COUNTERSIGN_MAX_PAGE_BYTES: '262144',
      COUNTERSIGN_LOG_TIMEOUT_MS: '2000',
      COUNTERSIGN_READ_TIMEOUT_MS: '3000', COUNTERSIGN_READ_CONCURRENCY: '4',
      COUNTERSIGN_ANSWER_WAIT_MS: '0',
      COUNTERSIGN_MAX_WAITING: '50',
      COUNTERSIGN_MAX_STREAMS: '20', COUNTERSIGN_STREAM_HEARTBEAT_MS: '500', COUNTERSIGN_MAX_EXPORT_ACTIONS: '5000',
      COUNTERSIGN_GATEWAY_SIGNING_KEY: 'keys/gateway.pem',
      COUNTERSIGN_GATEWAY_VERIFY_KEY: '/keys/new.pub.pem,/keys/old.pub.pem',
      COUNTERSIGN_PROPOSAL_MAX_AGE_MS: '60000',
      COUNTERSIGN_PROPOSAL_MAX_FUTURE_MS: '0',
      COUNTERSIGN_PROPOSAL_REPLAY_CAPACITY: '5000',
      COUNTERSIGN_CHECKPOINT_KEYS: 'keys/checkpoints.json',
      COUNTERSIGN_CHECKPOINT_INTERVAL: '5m',
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
      gateway: {
        bodyBytes: 32_768, policyBodyBytes: 2_097_152, pendingPerRequester: 50, proposalBytesPerWindow: 4_194_304, proposalWindowSeconds: 30,
        pageBytes: 262_144, logTimeoutMs: 2000, readTimeoutMs: 3000, readConcurrency: 4, answerWaitMs: 0, maxWaiting: 50,
        maxStreams: 20, streamHeartbeatMs: 500, maxExportActions: 5000,
      },
      proposals: {
        gatewaySigningKeyPath: resolve('keys/gateway.pem'), gatewayVerifyKeyPaths: ['/keys/new.pub.pem', '/keys/old.pub.pem'],
        maxAgeMs: 60_000, maxFutureMs: 0, replayCapacity: 5000,
      },
      checkpointKeysPath: resolve('keys/checkpoints.json'),
      checkpointIntervalMs: 300_000,
    });
  });

  it('treats empty variables as unset', () => {
    assert.equal(readEnvConfig({ PORT: '', COUNTERSIGN_LOG_LEVEL: '' }).port, 8080);
  });

  it('reads the checkpoint interval as a duration from 1s to 1h', () => {
    const interval = (raw: string) => readEnvConfig({ COUNTERSIGN_CHECKPOINT_INTERVAL: raw }).checkpointIntervalMs;
    assert.deepEqual(['1s', '1500ms', '30s', '5m', '1h', '3600s'].map(interval), [1000, 1500, 30_000, 300_000, 3_600_000, 3_600_000]);
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
    [{ COUNTERSIGN_MAX_BODY_BYTES: '64k' }, 'COUNTERSIGN_MAX_BODY_BYTES: must be an integer from 1024 to 16777216 (got "64k")'],
    [{ COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '0' }, 'COUNTERSIGN_MAX_PENDING_PER_REQUESTER: must be an integer from 1 to 1000000 (got "0")'],
    [{ COUNTERSIGN_LOG_TIMEOUT_MS: '99999999999' }, 'COUNTERSIGN_LOG_TIMEOUT_MS: must be an integer from 100 to 60000 (got "99999999999")'],
    [{ COUNTERSIGN_GATEWAY_VERIFY_KEY: '/a.pem, /b.pem' }, 'COUNTERSIGN_GATEWAY_VERIFY_KEY: must be comma-separated paths of SPKI PEM files (Ed25519 public keys) (got "/a.pem, /b.pem")'],
    [{ COUNTERSIGN_PROPOSAL_MAX_AGE_MS: '500' }, 'COUNTERSIGN_PROPOSAL_MAX_AGE_MS: must be an integer from 1000 to 86400000 (got "500")'],
    ...['0', 'off', '60', '999ms', '61m', '2h', ' 30s', '1.5s'].map((raw): [Record<string, string>, string] =>
      [{ COUNTERSIGN_CHECKPOINT_INTERVAL: raw }, `COUNTERSIGN_CHECKPOINT_INTERVAL: must be a duration from 1s to 1h such as 1500ms, 30s, 5m (checkpoints cannot be turned off) (got ${JSON.stringify(raw)})`]),
    [{ COUNTERSIGN_CHECKPOINT_KEYS: 'keys.json ' }, 'COUNTERSIGN_CHECKPOINT_KEYS: must be the path of a checkpoint key file (JSON) without surrounding spaces (got "keys.json ")'],
    [{ COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: '100000' },
      'COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: must be at least the largest body allowed (1048576 bytes), or no such proposal could ever pass (got 100000)'],
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
