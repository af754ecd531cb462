import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRender } from '../../src/validate/index.js';
import { render, type RenderInput } from '../helpers/render.js';

// Every object of every documented configuration must be accepted by the real schemas: built-in
// kinds by the Kubernetes OpenAPI schema, custom resources by the pinned upstream CRDs (unknown
// fields rejected, CEL evaluated), plus names, references and the "restricted" Pod Security Standard.

const externalDb = `postgresql: {enabled: false}
valkey: {enabled: false}
litellm-proxy:
  database: {host: pg.example.svc, port: 5432, name: litellm, user: litellm, passwordSecretName: my-postgres-secret, passwordSecretKey: password}
  cache: {host: redis.example.svc, port: 6379, passwordSecretName: my-redis-secret, passwordSecretKey: password}
`;

const cases: Record<string, RenderInput> = {
  defaults: {},
  'custom release name': { release: 'platform', namespace: 'llm' },
  'external databases': { files: { 'ext.yaml': externalDb } },
  'external sentinel': { files: { 'ext.yaml': externalDb, 's.yaml': 'litellm-proxy: {cache: {sentinel: {enabled: true, host: sentinel.svc, port: 26379, masterName: mymaster}}}\n' } },
  'existing secrets': { files: { 's.yaml': 'litellm-proxy: {masterKey: {existingSecret: mk}, saltKey: {existingSecret: sk}}\nvalkey: {auth: {existingSecret: vk}}\n' } },
  'single instance, autoscaling, TLS, no kourier': {
    options: { values: ['postgresql.cluster.instances=1', 'litellm-proxy.autoscaling.enabled=true', 'networking-layer.envoyGateway.tls.enabled=true', 'networking-layer.kourier.enabled=false'], stringValues: ['networking-layer.envoyGateway.tls.secretName=gw-tls', 'networking-layer.envoyGateway.hostname=llm.example.com'] },
  },
  'bundled Valkey Sentinel mode': { options: { values: ['valkey.sentinel.enabled=true'] } },
  'Sentinel mode, existing Valkey Secret, custom release, credentials': {
    release: 'platform',
    namespace: 'llm',
    files: { 's.yaml': 'valkey: {sentinel: {enabled: true, networkPolicy: {enabled: false}}, auth: {existingSecret: vk, existingSecretKey: pw}, replica: {replicaCount: 1}}\nlitellm-proxy: {credentials: [{env: OPENAI_API_KEY, secretName: llm-credentials, secretKey: openai}]}\n' },
  },
  'external sentinel with a password': { files: { 'ext.yaml': externalDb, 's.yaml': 'litellm-proxy: {cache: {sentinel: {enabled: true, host: sentinel.svc, passwordSecretName: my-sentinel-secret}}}\n' } },
  'two poolers, no replicas, persistence': {
    files: { 'p.yaml': 'postgresql:\n  poolers:\n    - {name: rw, instances: 2}\n    - {name: ro, type: ro, instances: 1, parameters: {default_pool_size: "20", max_client_conn: "200"}}\nvalkey: {replica: {replicaCount: 0}, cache: {persistence: true}}\n' },
  },
};

for (const [name, input] of Object.entries(cases)) {
  test(`lint: ${name} renders only schema-valid, restricted, fully referenced objects`, () => {
    const r = render(input);
    const report = validateRender(r.objects.map((o) => o.object), { provided: r.result.provided });
    assert.equal(report.issues.length, 0, report.summary());
    assert.equal(report.objectCount, r.objects.length);
  });
}

test('lint catches a broken render: an unknown field, a missing Secret, a privileged container', () => {
  const r = render();
  const objects = r.objects.map((o) => structuredClone(o.object));
  const cluster = objects.find((o) => o.kind === 'Cluster')!;
  (cluster.spec as any).instancess = 3;
  const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'infra-litellm-proxy')!;
  (deploy.spec as any).template.spec.containers[0].securityContext = { privileged: true };
  const provided = r.result.provided.filter((p) => p.name !== 'infra-postgresql-app');
  const report = validateRender(objects, { provided, operatorRefs: false });
  const text = report.summary();
  assert.match(text, /instancess/);
  assert.match(text, /infra-postgresql-app/);
  assert.match(text, /privileged/);
  assert.equal(report.ok, false);
});
