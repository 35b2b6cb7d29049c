// The production shape as docker-compose.yml and the Dockerfile describe it, checked by reading the
// files (no Docker engine needed): what each service runs, what it is told, what it waits for.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readEnvConfig } from '@countersign/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(ROOT + path, 'utf8');
const SERVICES = ['gateway', 'policy-evaluator', 'approval-router', 'notifier', 'audit-projector'];
const READ_MODEL_USERS = ['gateway', 'audit-projector'];
const INFRA = ['kafka', 'mongo', 'mongo-init', 'gateway-keys', 'otel-collector'];
/** Every variable the apps read, taken from the readers themselves, plus the OpenTelemetry SDK's own. */
const ENV_NAMES = new Set(['env-config.ts', 'proposal-settings.ts']
  .flatMap((file) => [...read(`libs/platform/config/src/${file}`).matchAll(/(?:read|int)\('([A-Z_]+)'/g)].map((m) => m[1])));
const KNOWN_ENV = new Set([...ENV_NAMES, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']);

// Merge keys (<<) are how the file shares settings between services, as docker compose reads it.
const compose = parse(read('docker-compose.yml'), { merge: true });
const svc = (name: string) => compose.services[name];
const env = (name: string): Record<string, string> => svc(name).environment ?? {};
const dependsOn = (name: string): Record<string, { condition: string }> => svc(name).depends_on ?? {};

describe('docker-compose.yml, the production shape', () => {
  it('runs exactly the five services and their infrastructure, the embedded default only behind a profile', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [...SERVICES, ...INFRA, 'countersign'].sort());
    assert.deepEqual(svc('countersign').profiles, ['embedded']);
    for (const name of [...SERVICES, ...INFRA]) assert.equal(svc(name).profiles, undefined, `${name} runs by default`);
  });

  it('builds every app from the one Dockerfile, picking it with an APP argument naming a real app', () => {
    const buildable = tools();
    for (const name of [...SERVICES, 'countersign']) {
      const build = svc(name).build;
      assert.equal(build.context, '.', name);
      assert.equal(build.dockerfile, 'Dockerfile', name);
      assert.equal(build.args.APP, name, `${name} builds APP=${build.args.APP}`);
      assert.ok(existsSync(`${ROOT}apps/${build.args.APP}/src/main.ts`), `apps/${build.args.APP}/src/main.ts`);
      assert.ok(buildable.includes(build.args.APP), `tools/build.mjs builds ${build.args.APP}`);
    }
  });

  it('tells every service where Kafka, the collector and (only if it reads them) the read models are', () => {
    const ids = new Set<string>();
    for (const name of SERVICES) {
      for (const key of Object.keys(env(name))) assert.ok(KNOWN_ENV.has(key), `${name}: ${key} is read by no app`);
      const config = readEnvConfig(env(name)); // throws on any value the apps would refuse
      assert.deepEqual(config.kafkaBrokers, ['kafka:9092'], name);
      assert.equal(config.host, '0.0.0.0', name);
      assert.equal(config.port, 8080, name);
      assert.equal(env(name).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318', name);
      assert.equal(env(name).OTEL_SERVICE_NAME, `countersign-${name}`);
      assert.equal(env(name).COUNTERSIGN_KAFKA_PARTITIONS, env('gateway').COUNTERSIGN_KAFKA_PARTITIONS, `${name}: partition counts agree`);
      assert.ok(!ids.has(config.instanceId), `${name}: instance id ${config.instanceId} is unique`);
      ids.add(config.instanceId);
      const mongo = READ_MODEL_USERS.includes(name) ? 'mongodb://mongo:27017/?replicaSet=rs0' : undefined;
      assert.equal(config.mongoUrl, mongo, `${name}: COUNTERSIGN_MONGO_URL`);
    }
  });

  it('starts a service only once Kafka is healthy and (for read-model users) the replica set is initiated', () => {
    for (const name of SERVICES) {
      assert.equal(dependsOn(name).kafka?.condition, 'service_healthy', name);
      assert.equal(dependsOn(name)['otel-collector']?.condition, 'service_started', name);
      const mongo = READ_MODEL_USERS.includes(name) ? 'service_completed_successfully' : undefined;
      assert.equal(dependsOn(name)['mongo-init']?.condition, mongo, `${name} waits for mongo-init`);
    }
  });

  it('checks every app on /readyz and restarts it on failure; only the gateway is published', () => {
    for (const name of [...SERVICES, 'countersign']) {
      assert.match(svc(name).healthcheck.test.join(' '), /127\.0\.0\.1:8080\/readyz/, name);
      assert.equal(svc(name).restart, 'unless-stopped', name);
      assert.deepEqual(svc(name).ports, name === 'gateway' || name === 'countersign' ? ['8080:8080'] : undefined, name);
    }
  });

  it('runs Kafka 3.9 as a single-node KRaft broker+controller whose transactions work on one broker', () => {
    const kafka = svc('kafka');
    const k = kafka.environment;
    assert.match(kafka.image, /^apache\/kafka:3\.9\.\d+$/);
    assert.equal(k.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(k.KAFKA_CONTROLLER_QUORUM_VOTERS, `${k.KAFKA_NODE_ID}@kafka:9093`);
    assert.equal(k.KAFKA_CONTROLLER_LISTENER_NAMES, 'CONTROLLER');
    assert.deepEqual(k.KAFKA_LISTENERS.split(',').sort(), ['CONTROLLER://:9093', 'PLAINTEXT://:9092']);
    assert.equal(k.KAFKA_ADVERTISED_LISTENERS, 'PLAINTEXT://kafka:9092', 'what the services connect to');
    assert.match(k.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, /CONTROLLER:PLAINTEXT/);
    assert.match(k.CLUSTER_ID, /^[A-Za-z0-9_-]{22}$/, 'a base64url 16-byte KRaft cluster id');
    assert.equal(k.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, 1);
    assert.equal(k.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR, 1);
    assert.equal(k.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, 1);
    assert.ok(kafka.volumes.includes(`kafka-data:${k.KAFKA_LOG_DIRS}`), 'the log dir is on a volume');
    assert.match(kafka.healthcheck.test.join(' '), /kafka-broker-api-versions\.sh --bootstrap-server kafka:9092/);
  });

  it('runs MongoDB 7 as a replica set that a one-shot service initiates idempotently', () => {
    const mongo = svc('mongo');
    const init = svc('mongo-init');
    assert.equal(mongo.image, 'mongo:7');
    const replSet = mongo.command[mongo.command.indexOf('--replSet') + 1];
    assert.equal(replSet, new URL(env('gateway').COUNTERSIGN_MONGO_URL).searchParams.get('replicaSet'));
    assert.ok(mongo.healthcheck.test.includes('mongosh'));
    assert.equal(init.image, 'mongo:7');
    assert.equal(init.restart, 'no');
    assert.equal(init.depends_on.mongo.condition, 'service_healthy');
    const script: string = init.command.at(-1);
    assert.match(script, /try \{\s*rs\.status\(\)/, 'an initiated set is left alone');
    assert.match(script, /NotYetInitialized/);
    assert.ok(script.includes(`rs.initiate({ _id: '${replSet}', members: [{ _id: 0, host: 'mongo:27017' }] })`));
    assert.match(script, /isWritablePrimary/, 'done only once writable');
  });

  it('sends telemetry to a collector whose config exists and wires OTLP through batch to debug', () => {
    const otel = svc('otel-collector');
    assert.match(otel.image, /^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    const [source, target] = otel.volumes[0].split(':');
    assert.equal(source, './deploy/otel/collector.yaml');
    assert.ok(otel.command.join(' ').includes(target));
    const config = parse(read('deploy/otel/collector.yaml'));
    assert.equal(config.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
    assert.equal(config.receivers.otlp.protocols.http.endpoint, `0.0.0.0:${new URL(env('gateway').OTEL_EXPORTER_OTLP_ENDPOINT).port}`);
    assert.ok(config.processors.batch);
    assert.ok(config.exporters.debug);
    for (const [name, p] of Object.entries<Record<string, string[]>>(config.service.pipelines)) {
      assert.deepEqual(p.receivers, ['otlp'], name);
      assert.ok(p.processors.includes('batch'), name);
      for (const proc of p.processors) assert.ok(config.processors[proc], `${name}: ${proc} is defined`);
      assert.deepEqual(p.exporters, ['debug'], name);
    }
  });

  it('gives the gateway its signing key and the evaluator the public key, from a one-shot that makes them once', () => {
    const keys = svc('gateway-keys');
    assert.equal(keys.restart, 'no');
    assert.equal(keys.image, svc('gateway').image, 'made with the app image, no other download');
    const script: string = keys.command.at(-1);
    assert.match(script, /if \(existsSync\('\/keys\/private\/gateway\.pem'\)\)/, 'a key pair already made is kept');
    assert.match(script, /generateKeyPairSync\('ed25519'\)/);
    // the gateway reads the private key from its own volume; the evaluator sees only the public one
    assert.deepEqual(svc('gateway').volumes, ['gateway-signing-key:/keys/private:ro']);
    assert.deepEqual(svc('policy-evaluator').volumes, ['gateway-verify-key:/keys/public:ro']);
    assert.ok(script.includes(`'${env('gateway').COUNTERSIGN_GATEWAY_SIGNING_KEY}'`), 'the gateway reads the file the one-shot writes');
    assert.ok(script.includes(`'${env('policy-evaluator').COUNTERSIGN_GATEWAY_VERIFY_KEY}'`), 'the evaluator reads the public key the one-shot writes');
    for (const name of SERVICES.filter((n) => n !== 'gateway')) assert.equal(env(name).COUNTERSIGN_GATEWAY_SIGNING_KEY, undefined, `${name} holds no signing key`);
    // the grant key file: made once by the same one-shot, in the gateway's own volume, read by gateways only
    assert.ok(script.includes(`existsSync('${env('gateway').COUNTERSIGN_GRANT_KEYS}')`), 'the gateway reads the grant key file the one-shot writes once');
    for (const name of SERVICES.filter((n) => n !== 'gateway')) assert.equal(env(name).COUNTERSIGN_GRANT_KEYS, undefined, `${name} holds no grant key`);
    for (const name of ['gateway', 'policy-evaluator']) assert.equal(dependsOn(name)['gateway-keys']?.condition, 'service_completed_successfully', name);
  });

  it('keeps the embedded default zero-setup: no Kafka, no MongoDB, the log on a named volume', () => {
    const config = readEnvConfig(env('countersign'));
    assert.equal(config.kafkaBrokers, undefined);
    assert.equal(config.mongoUrl, undefined);
    assert.equal(config.dataDir, '/data');
    assert.ok(svc('countersign').volumes.includes('countersign-data:/data'));
    assert.deepEqual(svc('countersign').depends_on, undefined);
  });

  it('holds no secrets: no credentials in URLs, no password or token settings', () => {
    for (const [name, service] of Object.entries<{ environment?: Record<string, unknown> }>(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        assert.doesNotMatch(key, /PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE/, `${name}: ${key}`);
        assert.doesNotMatch(String(value), /:\/\/[^/\s]*@/, `${name}: ${key} carries credentials`);
      }
    }
  });
});

describe('Dockerfile, the one image shape', () => {
  const lines = read('Dockerfile').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = lines.join('\n').split(/^(?=FROM )/m);
  const runtime = stages.at(-1)!;

  it('builds with the full dependencies on Node 24 and bundles with tools/build.mjs', () => {
    assert.match(lines.join('\n'), /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    assert.ok(stages.filter((s) => s.startsWith('FROM ')).every((s) => s.startsWith('FROM ${NODE_IMAGE}')));
    const build = stages.find((s) => s.includes('node tools/build.mjs'))!;
    assert.match(build, /^RUN npm ci\b(?!.*--omit)/m);
  });

  it('runs production dependencies, the bundles and the demo workspace as the non-root node user', () => {
    assert.ok(stages.some((s) => /^RUN npm ci --omit=dev/m.test(s)));
    assert.match(runtime, /^COPY --from=\S+ \/app\/node_modules \.\/node_modules$/m);
    assert.match(runtime, /^COPY --from=\S+ \/src\/dist \.\/dist$/m);
    assert.match(runtime, /^COPY package\.json \.\/$/m, '"type": "module" for dist/apps/*/main.js');
    assert.match(runtime, /^COPY config\/demo \.\/config\/demo$/m);
    assert.match(runtime, /^USER node$/m);
  });

  it('defaults to the embedded app and runs $COUNTERSIGN_APP, set from the APP argument, through a shell', () => {
    assert.match(runtime, /^ARG APP=countersign$/m);
    assert.match(runtime, /^ENV COUNTERSIGN_APP=\$\{APP\}$/m);
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]);
    assert.deepEqual(cmd.slice(0, 2), ['sh', '-c']);
    assert.match(cmd[2], /^exec node "dist\/apps\/\$\{COUNTERSIGN_APP\}\/main\.js"$/);
  });

  it('listens on 8080, checks /readyz, and keeps the embedded log on a /data volume', () => {
    assert.match(runtime, /^EXPOSE 8080$/m);
    assert.match(runtime, /^HEALTHCHECK .*CMD .*\/readyz/m);
    assert.match(runtime, /^ENV .*COUNTERSIGN_DATA_DIR=\/data/m);
    assert.match(runtime, /^VOLUME \["\/data"\]$/m);
  });

  it('keeps local state out of the build context, but nothing the build copies', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const path of ['node_modules', 'dist', '.git', '.countersign']) assert.ok(ignored.includes(path), path);
    const copied = lines.filter((l) => /^COPY (?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const path of copied) {
      assert.ok(existsSync(ROOT + path), `${path} exists`);
      assert.ok(!ignored.some((p) => path === p || path.startsWith(`${p}/`)), `${path} is not ignored`);
    }
  });
});

/** The apps tools/build.mjs knows, read from its APPS list. */
function tools(): string[] {
  const list = /const APPS = \[([^\]]*)\]/.exec(read('tools/build.mjs'))![1];
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}
