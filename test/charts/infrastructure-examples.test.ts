import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../src/validate/paths.js';
import { toYamlStream } from '../../src/render/yaml-output.js';
import { container, envOf, get, render } from '../helpers/render.js';

// The seed README's examples: custom release names, external databases, Sentinel, existing secrets.
// The values files are the ones shipped in examples/ (README.md names them), so they cannot rot.
const example = (file: string) => readFileSync(join(repoRoot(), 'examples', file), 'utf8');

test('custom release name: every connection follows the release name without --set', () => {
  const r = render({ release: 'platform' });
  const env = envOf(container(r.find('Deployment', 'platform-litellm-proxy'), 'litellm'));
  assert.equal(env.PGHOST, 'platform-postgresql-pooler-rw');
  assert.deepEqual(env.PGPASSWORD, { secretKeyRef: { name: 'platform-postgresql-app', key: 'password' } });
  assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'platform-valkey-auth', key: 'default-password' } });
  assert.ok(r.has('Service', 'platform-valkey'));
  assert.ok(r.has('Service', 'platform-postgresql-pooler-rw'));
  const config = parse(get(r.find('ConfigMap', 'platform-litellm-proxy-config'), 'data')['config.yaml']);
  assert.equal(config.litellm_settings.cache_params.host, 'platform-valkey');
  const text = toYamlStream(r.objects);
  assert.doesNotMatch(text, /\binfra-/, 'nothing refers to the default release name');
});

test("custom release name: the README's four --set lines still work and change nothing", () => {
  const plain = toYamlStream(render({ release: 'platform' }).objects);
  const withSets = toYamlStream(
    render({
      release: 'platform',
      options: {
        values: [
          'litellm-proxy.database.host=platform-postgresql-pooler-rw',
          'litellm-proxy.database.passwordSecretName=platform-postgresql-app',
          'litellm-proxy.cache.host=platform-valkey',
          'litellm-proxy.cache.passwordSecretName=platform-valkey-auth',
        ],
      },
    }).objects,
  );
  assert.equal(withSets, plain);
});

test('explicit values always win over derived names', () => {
  const r = render({ release: 'platform', options: { values: ['litellm-proxy.cache.host=other-valkey.cache.svc'] } });
  const config = parse(get(r.find('ConfigMap', 'platform-litellm-proxy-config'), 'data')['config.yaml']);
  assert.equal(config.litellm_settings.cache_params.host, 'other-valkey.cache.svc');
});

const externalDb = example('values-external-db.yaml');

test('external databases: no bundled PostgreSQL or Valkey, LiteLLM wired to the given hosts and secrets', () => {
  const r = render({ files: { 'values-external-db.yaml': externalDb } });
  assert.equal(r.all('Cluster').length, 0);
  assert.equal(r.all('Pooler').length, 0);
  assert.ok(!r.objects.some((o) => o.object.metadata.name.includes('valkey')));
  const deploy = r.find('Deployment', 'infra-litellm-proxy');
  const env = envOf(container(deploy, 'litellm'));
  assert.equal(env.PGHOST, 'my-external-postgresql.database.svc.cluster.local');
  assert.equal(env.PGDIRECTHOST, 'my-external-postgresql.database.svc.cluster.local');
  assert.equal(env.PGDATABASE, 'litellm');
  assert.equal(env.PGUSER, 'litellm');
  assert.deepEqual(env.PGPASSWORD, { secretKeyRef: { name: 'my-postgres-secret', key: 'password' } });
  assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'my-redis-secret', key: 'password' } });
  const config = parse(get(r.find('ConfigMap', 'infra-litellm-proxy-config'), 'data')['config.yaml']);
  assert.equal(config.litellm_settings.cache_params.host, 'my-external-redis.cache.svc.cluster.local');
  assert.ok(r.result.provided.some((p) => p.name === 'my-postgres-secret' && p.by.startsWith('user')));
  const job = r.find('Job', 'infra-litellm-proxy-migration');
  assert.ok(!r.groups.find((g) => g.name === 'litellm-migration')!.dependsOn.includes('pooler'));
  assert.ok(job);
  const spec = JSON.parse(envOf(container(r.find('Job', 'infra-generate-secrets'))).SECRETS_SPEC);
  assert.deepEqual(spec.map((s: any) => s.name).sort(), ['infra-litellm-proxy-master-key', 'infra-litellm-proxy-salt-key']);
});

test('external Sentinel: cache_params use service_name and sentinel_nodes; the router gets no Sentinel address', () => {
  const sentinel = example('values-external-sentinel.yaml');
  const r = render({ files: { 'sentinel.yaml': sentinel, 'values-external-db.yaml': externalDb } });
  const config = parse(get(r.find('ConfigMap', 'infra-litellm-proxy-config'), 'data')['config.yaml']);
  const params = config.litellm_settings.cache_params;
  assert.equal(params.service_name, 'mymaster');
  assert.deepEqual(params.sentinel_nodes, [['my-sentinel.cache.svc.cluster.local', 26379]]);
  assert.equal(params.host, undefined);
  assert.equal(config.router_settings.redis_host, undefined);
  const env = envOf(container(r.find('Deployment', 'infra-litellm-proxy'), 'litellm'));
  assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'my-redis-secret', key: 'password' } });
});

test("secrets configuration: existing master and salt key Secrets are used and not generated", () => {
  const secrets = example('values-existing-secrets.yaml');
  const r = render({ files: { 'secrets.yaml': secrets } });
  const env = envOf(container(r.find('Deployment', 'infra-litellm-proxy'), 'litellm'));
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'litellm-master-key', key: 'master-key' } });
  assert.deepEqual(env.LITELLM_SALT_KEY, { secretKeyRef: { name: 'litellm-salt-key', key: 'salt-key' } });
  const spec = JSON.parse(envOf(container(r.find('Job', 'infra-generate-secrets'))).SECRETS_SPEC);
  assert.deepEqual(spec.map((s: any) => s.name), ['infra-valkey-auth']);
  assert.ok(r.result.provided.some((p) => p.name === 'litellm-master-key' && p.by.includes('masterKey.existingSecret')));
});

test('every component can be disabled', () => {
  const r = render({
    options: {
      values: ['postgresql.enabled=false,valkey.enabled=false,networking-layer.enabled=false,litellm-proxy.enabled=false'],
    },
  });
  assert.equal(r.objects.length, 0);
  const onlyGateway = render({ options: { values: ['networking-layer.kourier.enabled=false'] } });
  assert.equal(onlyGateway.all('KnativeServing').length, 0);
  assert.deepEqual(onlyGateway.all('Gateway').map((g) => g.metadata.name).sort(), ['infra-gateway', 'infra-model-gateway']);
  const noModelGateway = render({ options: { values: ['networking-layer.envoyGateway.modelGateway.enabled=false'] } });
  assert.deepEqual(noModelGateway.all('Gateway').map((g) => g.metadata.name), ['infra-gateway']);
});

test('synchronous replication is rendered only when the instance count allows it', () => {
  const single = render({ options: { values: ['postgresql.cluster.instances=1'] } });
  assert.equal(get(single.find('Cluster', 'infra-postgresql'), 'spec.postgresql.synchronous'), undefined);
  assert.throws(
    () => render({ options: { values: ['postgresql.cluster.instances=2', 'postgresql.cluster.synchronous.number=2'] } }),
    /2 synchronous standbys need at least 3 instances, but postgresql.cluster.instances is 2/,
  );
});

test('capacity: LiteLLM clients beyond what the pooler accepts, counting the rollout surge, are refused with the arithmetic', () => {
  assert.throws(
    () => render({ options: { values: ['litellm-proxy.replicaCount=20', 'litellm-proxy.numWorkers=4', 'litellm-proxy.database.connectionPoolLimit=30'] } }),
    /\(20 pods \(litellm-proxy.replicaCount, from --set litellm-proxy.replicaCount=20\) \+ 1 surge pod \(the proxy's RollingUpdate maxSurge\)\) x 4 workers \(litellm-proxy.numWorkers, from --set litellm-proxy.numWorkers=4\) x 30 \(litellm-proxy.database.connectionPoolLimit, from --set litellm-proxy.database.connectionPoolLimit=30\) = 2520 clients, but 2 pooler instances \(postgresql.poolers\[0\].instances\) x max_client_conn 1000 \(postgresql.poolers\[0\].parameters.max_client_conn\) = 2000\. Raise postgresql.poolers\[0\].parameters.max_client_conn to at least 1260 or postgresql.poolers\[0\].instances to 3/,
  );
  assert.throws(
    () => render({ options: { values: ['litellm-proxy.autoscaling.enabled=true', 'litellm-proxy.autoscaling.maxReplicas=200'] } }),
    /\(200 pods \(litellm-proxy.autoscaling.maxReplicas, from --set litellm-proxy.autoscaling.maxReplicas=200\) \+ 1 surge pod/,
  );
});

test('capacity: pooler server connections beyond max_connections are refused with the arithmetic', () => {
  assert.throws(
    () => render({ options: { values: ['postgresql.poolers[0].name=rw,postgresql.poolers[0].instances=4'] } }),
    /4 x 50 \(postgresql.poolers\[0\]\) = 200 .* but max_connections 200 - 3 superuser_reserved_connections - 10 kept for the operator and migrations = 187/,
  );
  // Raising max_connections makes the same pooler fit.
  render({ options: { values: ['postgresql.poolers[0].name=rw,postgresql.poolers[0].instances=4'], stringValues: ['postgresql.cluster.parameters.max_connections=300'] } });
  assert.throws(
    () => render({ options: { values: ['postgresql.poolers[0].instances=4'] } }),
    /key postgresql.poolers\[0\].name \(from --set postgresql.poolers\[0\].instances=4\) is required \(a --set on a list element replaces the whole list/,
  );
});

test('PgBouncer-safe settings: pgbouncer=true and prepared-statement tracking are never combined', () => {
  assert.throws(() => render({ options: { values: ['litellm-proxy.database.pgbouncer=true'] } }), /pgbouncer=true disables Prisma's prepared statements, but pooler infra-postgresql-pooler-rw tracks them \(max_prepared_statements 200\)/);
  assert.throws(() => render({ options: { stringValues: ['postgresql.poolers[0].name=rw', 'postgresql.poolers[0].parameters.max_prepared_statements=0'] } }), /prepared statement s0 already exists/);
  const ok = render({ options: { values: ['litellm-proxy.database.pgbouncer=true'], stringValues: ['postgresql.poolers[0].name=rw', 'postgresql.poolers[0].parameters.max_prepared_statements=0'] } });
  assert.ok(ok.find('Deployment', 'infra-litellm-proxy'));
});
