// The Helm chart, checked by reading its files: Chart.yaml and values.yaml as YAML, the Go
// templates as text (they are not rendered here; deploy/helm/lint.sh does that where helm exists).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readEnvConfig } from '@countersign/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHART = 'deploy/helm/countersign/';
const read = (path: string) => readFileSync(ROOT + path, 'utf8');
const SERVICES = ['gateway', 'policy-evaluator', 'approval-router', 'notifier', 'audit-projector'];
const ENV_NAMES = new Set(['env-config.ts', 'proposal-settings.ts']
  .flatMap((file) => [...read(`libs/platform/config/src/${file}`).matchAll(/(?:read|int)\('([A-Z_]+)'/g)].map((m) => m[1])));

const chart = parse(read(`${CHART}Chart.yaml`));
const valuesText = read(`${CHART}values.yaml`);
const values = parse(valuesText);
const templateFiles = readdirSync(ROOT + CHART + 'templates');
const template = (name: string) => read(`${CHART}templates/${name}`);
const allTemplates = templateFiles.map(template).join('\n');
const pod = template('_pod.tpl');
/** A helper's body from _helpers.tpl, for the lists it defines. */
const helperList = (name: string) =>
  new RegExp(`{{- define "${name}" -}}\\n([^{]*)\\n{{- end }}`).exec(template('_helpers.tpl'))![1].trim().split(/\s+/);

describe('Helm chart deploy/helm/countersign', () => {
  it('is a v2 application chart deploying the version in package.json', () => {
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'countersign');
    assert.equal(chart.type, 'application');
    assert.match(chart.version, /^\d+\.\d+\.\d+$/);
    assert.equal(chart.appVersion, JSON.parse(read('package.json')).version);
    for (const file of ['_helpers.tpl', '_pod.tpl', 'workloads.yaml', 'service.yaml', 'configmap.yaml', 'NOTES.txt']) {
      assert.ok(templateFiles.includes(file), file);
    }
  });

  it('lists in values exactly the five apps, each an existing apps/<app> the templates accept', () => {
    assert.deepEqual(Object.keys(values.apps).sort(), [...SERVICES].sort());
    assert.deepEqual(helperList('countersign.knownApps').sort(), [...SERVICES].sort());
    for (const app of Object.keys(values.apps)) assert.ok(existsSync(`${ROOT}apps/${app}/src/main.ts`), app);
    assert.deepEqual(helperList('countersign.readModelApps').sort(), ['audit-projector', 'gateway']);
  });

  it('gives every app replicas, a workload kind, and resource requests and a memory limit', () => {
    for (const [app, spec] of Object.entries<any>(values.apps)) {
      assert.ok(Number.isInteger(spec.replicas) && spec.replicas >= 1, app);
      assert.ok(['Deployment', 'StatefulSet'].includes(spec.workload), app);
      assert.ok(spec.resources.requests.cpu && spec.resources.requests.memory, `${app} requests`);
      assert.ok(spec.resources.limits.memory, `${app} memory limit`);
    }
    // Pod names are the instance ids; only stable ones let a replacement router fence its predecessor.
    assert.equal(values.apps['approval-router'].workload, 'StatefulSet');
  });

  it('renders every workload from the one pod spec, with a StatefulSet getting its governing Service', () => {
    const workloads = template('workloads.yaml');
    assert.match(workloads, /kind: {{ \$kind }}/);
    assert.match(workloads, /include "countersign\.podSpec" \$ctx/);
    assert.match(workloads, /serviceName: {{ include "countersign\.appName" \$ctx }}-headless/);
    assert.match(template('headless-services.yaml'), /clusterIP: None/);
    assert.match(pod, /command: \["node", "dist\/apps\/{{ \.app }}\/main\.js"\]/);
  });

  it('probes liveness on /healthz and readiness on /readyz, on the http port 8080', () => {
    assert.match(pod, /livenessProbe:\n\s*httpGet: { path: \/healthz, port: http }/);
    assert.match(pod, /readinessProbe:\n\s*httpGet: { path: \/readyz, port: http }/);
    assert.match(pod, /startupProbe:\n\s*httpGet: { path: \/healthz, port: http }/);
    assert.match(pod, /- name: http\n\s*containerPort: 8080/);
    assert.match(template('service.yaml'), /targetPort: http/);
  });

  it('annotates pods for Prometheus to scrape /metrics on the http port, unless told not to', () => {
    assert.equal(values.metrics.scrapeAnnotations, true);
    assert.match(pod, /containerPort: 8080/);
    assert.match(template('workloads.yaml'),
      /{{- if \$\.Values\.metrics\.scrapeAnnotations }}\n(?:\s*#.*\n)?\s*prometheus\.io\/scrape: "true"\n\s*prometheus\.io\/port: "8080"\n\s*prometheus\.io\/path: \/metrics\n\s*{{- end }}/);
  });

  it('runs non-root on a read-only root filesystem with every capability dropped', () => {
    assert.match(pod, /^securityContext:\n\s*{{- toYaml \$root\.Values\.podSecurityContext/m);
    assert.equal((pod.match(/toYaml \$root\.Values\.securityContext/g) ?? []).length, 2, 'app and init containers');
    assert.equal(values.podSecurityContext.runAsNonRoot, true);
    assert.ok(Number.isInteger(values.podSecurityContext.runAsUser) && values.podSecurityContext.runAsUser > 0, 'numeric, so the kubelet can check it');
    assert.deepEqual(
      { ...values.securityContext },
      { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    );
    assert.match(pod, /automountServiceAccountToken: false/);
    assert.match(pod, /resources:\n\s*{{- toYaml \.spec\.resources/);
  });

  it('names each pod\'s instance (Kafka client and transactional id) after the pod', () => {
    assert.match(pod, /- name: COUNTERSIGN_INSTANCE_ID\n\s*valueFrom:\n\s*fieldRef:\n\s*fieldPath: metadata\.name/);
  });

  it('reads the MongoDB URL from a Secret it references, and keeps secrets out of values', () => {
    assert.match(pod, /- name: COUNTERSIGN_MONGO_URL\n\s*valueFrom:\n\s*secretKeyRef:/);
    assert.deepEqual(Object.keys(values.mongo.urlSecret).sort(), ['key', 'name']);
    assert.equal(values.mongo.url, undefined);
    for (const [path, value] of leaves(values)) {
      assert.doesNotMatch(path, /password|token|apikey|credential/i, path);
      assert.doesNotMatch(String(value), /mongodb(\+srv)?:\/\/|:\/\/[^/\s]*@/, `${path} holds a connection string`);
    }
  });

  it('mounts the gateway signing key from a Secret into gateway pods only, and its public key into evaluators', () => {
    assert.deepEqual(Object.keys(values.proposals.gatewayKeySecret).sort(), ['name', 'privateKey', 'publicKey']);
    assert.match(valuesText, /openssl genpkey -algorithm ed25519/);
    assert.match(pod, /{{- if eq \.app "gateway" }}\n\s*- name: COUNTERSIGN_GATEWAY_SIGNING_KEY\n\s*value: \/etc\/countersign\/keys\/gateway\.pem/);
    assert.match(pod, /{{- if eq \.app "policy-evaluator" }}\n\s*- name: COUNTERSIGN_GATEWAY_VERIFY_KEY\n\s*value: \/etc\/countersign\/keys\/gateway\.pub\.pem/);
    // one Secret, but each pod gets only its item: the private key never reaches an evaluator
    assert.match(pod, /secretName: {{ required "[^"]+" \$root\.Values\.proposals\.gatewayKeySecret\.name }}/);
    assert.match(pod, /{{- if eq \.app "gateway" }}\n\s*- key: {{ \$root\.Values\.proposals\.gatewayKeySecret\.privateKey }}\n\s*path: gateway\.pem\n\s*{{- else }}\n\s*- key: {{ \$root\.Values\.proposals\.gatewayKeySecret\.publicKey }}\n\s*path: gateway\.pub\.pem/);
  });

  it('mounts the grant key file from a Secret into gateway pods only', () => {
    assert.deepEqual(Object.keys(values.grants.keySecret).sort(), ['key', 'name']);
    assert.match(valuesText, /countersign grant-keys generate --out grant-keys\.json/);
    assert.match(pod, /- name: COUNTERSIGN_GRANT_KEYS\n\s*value: \/etc\/countersign\/grants\/grant-keys\.json/);
    assert.match(pod, /{{- if eq \.app "gateway" }}\n\s*# The grant key file[^\n]*\n\s*- name: grant-keys\n\s*secret:\n\s*secretName: {{ required "[^"]+" \$root\.Values\.grants\.keySecret\.name }}/);
  });

  it('says that Kafka and MongoDB are brought by the user, with defaults the apps accept', () => {
    assert.match(valuesText, /Kafka and MongoDB are expected to exist/);
    assert.match(valuesText, /kubectl create secret generic/);
    const config = readEnvConfig({
      COUNTERSIGN_KAFKA_BROKERS: values.kafka.brokers,
      COUNTERSIGN_KAFKA_PARTITIONS: String(values.kafka.partitions),
      COUNTERSIGN_KAFKA_NAMESPACE: values.kafka.namespace,
      COUNTERSIGN_MONGO_DB: values.mongo.database,
      COUNTERSIGN_LOG_LEVEL: values.logLevel,
    });
    assert.ok(config.kafkaBrokers?.length);
  });

  it('sets only environment variables the apps read (or the OpenTelemetry SDK)', () => {
    const set = [
      ...[...template('configmap.yaml').matchAll(/^ {2}([A-Z][A-Z_]+):/gm)].map((m) => m[1]),
      ...[...pod.matchAll(/- name: ([A-Z][A-Z_]+)$/gm)].map((m) => m[1]),
      // COUNTERSIGN_{{ upper $kind }} for the workspace kinds
      ...['principals', 'policies'].map((k) => `COUNTERSIGN_${k.toUpperCase()}`),
    ];
    assert.match(template('configmap.yaml'), /COUNTERSIGN_{{ upper \$kind }}: \/etc\/countersign\/workspace\/{{ \$kind }}/);
    for (const name of set) assert.ok(ENV_NAMES.has(name) || name.startsWith('OTEL_'), `${name} is read by no app`);
  });

  it('mounts a user-provided or inline workspace at COUNTERSIGN_PRINCIPALS/POLICIES, else uses the demo one', () => {
    for (const kind of ['principals', 'policies']) {
      assert.deepEqual(Object.keys(values.workspace[kind]).sort(), ['existingConfigMap', 'files'], kind);
      assert.equal(values.workspace[kind].existingConfigMap, '', `${kind}: the demo workspace by default`);
    }
    // ConfigMap volumes present their files as symlinks; copied into a plain directory for the app.
    assert.match(pod, /cp -L "\$f" \/workspace\/{{ \$kind }}\//);
    assert.match(pod, /mountPath: \/etc\/countersign\/workspace/);
  });

  it('refers only to values that values.yaml defines, in templates with balanced delimiters', () => {
    for (const [, path] of allTemplates.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      let node: any = values;
      for (const key of path.slice(1).split('.')) {
        assert.ok(node && typeof node === 'object' && key in node, `.Values${path} is not in values.yaml`);
        node = node[key];
      }
    }
    for (const file of templateFiles) {
      const text = template(file);
      assert.equal(text.split('{{').length, text.split('}}').length, `${file}: {{ and }} pair up`);
    }
  });
});

/** Every leaf of a parsed YAML document as [dotted path, value]. */
function leaves(node: unknown, path = ''): [string, unknown][] {
  if (node === null || typeof node !== 'object') return [[path, node]];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}
