import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { container, envOf, get, podSpec, render } from '../helpers/render.js';

// Every claim of the seed README about `helm install infra ./charts/inference-infrastructure`.

test('defaults: CNPG Cluster infra-postgresql with the seed values (3 instances, 50Gi)', () => {
  const r = render();
  const cluster = r.find('Cluster', 'infra-postgresql');
  assert.equal(cluster.apiVersion, 'postgresql.cnpg.io/v1');
  assert.equal(get(cluster, 'spec.instances'), 3);
  assert.equal(get(cluster, 'spec.storage.size'), '50Gi');
  assert.deepEqual(get(cluster, 'spec.bootstrap.initdb'), { database: 'app', owner: 'app' });
  assert.equal(get(cluster, 'spec.postgresql.synchronous.number'), 1, '3 instances allow one synchronous standby');
  assert.equal(get(cluster, 'spec.postgresql.parameters.max_connections'), '200', 'CNPG parameters are strings');
});

test('defaults: pooler Service infra-postgresql-pooler-rw, transaction mode, 2 instances, matching the troubleshooting selector', () => {
  const r = render();
  const pooler = r.find('Pooler', 'infra-postgresql-pooler');
  assert.equal(get(pooler, 'spec.instances'), 2);
  assert.equal(get(pooler, 'spec.pgbouncer.poolMode'), 'transaction');
  assert.equal(get(pooler, 'spec.cluster.name'), 'infra-postgresql');
  // kubectl get pods -l cnpg.io/poolerName=infra-postgresql-pooler: CNPG labels pooler pods with the Pooler's name.
  const svc = r.find('Service', 'infra-postgresql-pooler-rw');
  assert.deepEqual(get(svc, 'spec.selector'), { 'cnpg.io/poolerName': 'infra-postgresql-pooler' });
  assert.equal(get(svc, 'spec.ports.0.port'), 5432);
  assert.ok(r.result.provided.some((p) => p.kind === 'Secret' && p.name === 'infra-postgresql-app' && p.keys?.includes('password')), 'CNPG creates infra-postgresql-app');
  for (const s of ['infra-postgresql-rw', 'infra-postgresql-ro', 'infra-postgresql-r']) {
    assert.ok(r.result.provided.some((p) => p.kind === 'Service' && p.name === s), `${s} is created by CNPG`);
  }
});

test('defaults: Valkey primary deploy/infra-valkey-primary behind Service infra-valkey, 2 replicas, auth from infra-valkey-auth/default-password', () => {
  const r = render();
  const svc = r.find('Service', 'infra-valkey');
  const primary = r.find('Deployment', 'infra-valkey-primary');
  const replica = r.find('Deployment', 'infra-valkey-replica');
  assert.equal(get(primary, 'spec.replicas'), 1);
  assert.equal(get(replica, 'spec.replicas'), 2, 'valkey.replica.replicaCount');
  const podLabels = get(primary, 'spec.template.metadata.labels');
  const replicaLabels = get(replica, 'spec.template.metadata.labels');
  assert.equal(podLabels['app.kubernetes.io/name'], 'valkey', 'kubectl get pods -l app.kubernetes.io/name=valkey');
  assert.equal(replicaLabels['app.kubernetes.io/name'], 'valkey');
  const selector: Record<string, string> = get(svc, 'spec.selector');
  const selects = (labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  assert.deepEqual(selector, { 'app.kubernetes.io/name': 'valkey', 'app.kubernetes.io/instance': 'infra', 'app.kubernetes.io/component': 'primary' });
  assert.ok(selects(podLabels), 'the Service selects the primary');
  assert.ok(!selects(replicaLabels), 'replicas are not behind the primary Service (read-only: writes would fail)');
  const env = envOf(container(primary));
  assert.deepEqual(env.VALKEY_PASSWORD, { secretKeyRef: { name: 'infra-valkey-auth', key: 'default-password' } });
  assert.match(container(primary).image, /^docker\.io\/valkey\/valkey:8\.1\.\d+$/, 'the official image ships valkey-cli');
  const conf = get(r.find('ConfigMap', 'infra-valkey-config'), 'data');
  assert.match(conf['replica.conf'], /^replicaof infra-valkey 6379$/m);
  assert.match(conf['primary.conf'], /^maxmemory-policy allkeys-lru$/m);
  assert.match(conf['primary.conf'], /^save ""$/m, 'no persistence by default');
  assert.ok(r.result.provided.some((p) => p.name === 'infra-valkey-auth' && p.keys?.[0] === 'default-password' && p.by.includes('generator')));
});

test('defaults: LiteLLM Deployment and Service infra-litellm-proxy on port 4000, wired to the pooler and Valkey by release name', () => {
  const r = render();
  const deploy = r.find('Deployment', 'infra-litellm-proxy');
  const svc = r.find('Service', 'infra-litellm-proxy');
  assert.equal(get(svc, 'spec.ports.0.port'), 4000);
  assert.equal(get(deploy, 'spec.template.metadata.labels')['app.kubernetes.io/name'], 'litellm-proxy');
  const env = envOf(container(deploy, 'litellm'));
  assert.equal(env.PGHOST, 'infra-postgresql-pooler-rw');
  assert.equal(env.PGDIRECTHOST, 'infra-postgresql-rw');
  assert.deepEqual(env.PGPASSWORD, { secretKeyRef: { name: 'infra-postgresql-app', key: 'password' } });
  assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'infra-valkey-auth', key: 'default-password' } });
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'infra-litellm-proxy-master-key', key: 'master-key' } });
  assert.deepEqual(env.LITELLM_SALT_KEY, { secretKeyRef: { name: 'infra-litellm-proxy-salt-key', key: 'salt-key' } });
  assert.equal(env.DISABLE_SCHEMA_UPDATE, 'true');
  const config = parse(get(r.find('ConfigMap', 'infra-litellm-proxy-config'), 'data')['config.yaml']);
  assert.equal(config.litellm_settings.cache_params.host, 'infra-valkey');
  assert.equal(config.litellm_settings.cache_params.password, 'os.environ/REDIS_PASSWORD');
  assert.equal(config.router_settings.redis_host, 'infra-valkey');
  assert.equal(config.general_settings.master_key, 'os.environ/LITELLM_MASTER_KEY');
});

test('defaults: LiteLLM probes never use /health; pinned image; non-root; PDB present', () => {
  const r = render();
  const deploy = r.find('Deployment', 'infra-litellm-proxy');
  const c = container(deploy, 'litellm');
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    assert.notEqual(c[probe].httpGet.path, '/health', `${probe} must not call /health (an authenticated model call)`);
  }
  assert.equal(c.livenessProbe.httpGet.path, '/health/liveliness');
  assert.equal(c.readinessProbe.httpGet.path, '/health/readiness');
  assert.match(c.image, /:v\d+\.\d+\.\d+$/, 'a pinned version tag, never main-*/latest');
  assert.equal(podSpec(deploy).securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  const pdb = r.find('PodDisruptionBudget', 'infra-litellm-proxy');
  assert.deepEqual(get(pdb, 'spec.selector.matchLabels'), get(deploy, 'spec.selector.matchLabels'));
});

test('defaults: migration Job infra-litellm-proxy-migration runs against the direct -rw service, before the proxy', () => {
  const r = render();
  const job = r.find('Job', 'infra-litellm-proxy-migration');
  const c = container(job, 'migration');
  assert.ok(c.command.includes('--migrate'), 'migrations go to the primary, not through transaction pooling');
  assert.ok(c.command.includes('--wait'), 'the Job waits for the database');
  assert.equal(envOf(c).PGDIRECTHOST, 'infra-postgresql-rw');
  const order = r.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  assert.ok(order.indexOf('Job/infra-litellm-proxy-migration') < order.indexOf('Deployment/infra-litellm-proxy'));
  const wave = (kind: string, name: string) => Number(r.find(kind, name).metadata.annotations!['argocd.argoproj.io/sync-wave']);
  assert.ok(wave('Job', 'infra-litellm-proxy-migration') < wave('Deployment', 'infra-litellm-proxy'), 'GitOps waves keep the order too');
  assert.ok(wave('Cluster', 'infra-postgresql') < wave('Pooler', 'infra-postgresql-pooler'));
});

test('defaults: networking renders an Envoy Gateway open to all namespaces, an HTTPRoute to LiteLLM, and Kourier', () => {
  const r = render();
  const gc = r.find('GatewayClass', 'infra-llm-gateway');
  assert.equal(get(gc, 'spec.controllerName'), 'gateway.envoyproxy.io/gatewayclass-controller');
  assert.equal(get(gc, 'spec.parametersRef.name'), 'infra-envoy-proxy');
  const gw = r.find('Gateway', 'infra-gateway');
  assert.equal(get(gw, 'spec.gatewayClassName'), 'infra-llm-gateway');
  assert.equal(get(gw, 'spec.listeners.0.allowedRoutes.namespaces.from'), 'All');
  const route = r.find('HTTPRoute', 'infra-litellm-proxy');
  assert.equal(get(route, 'spec.parentRefs.0.name'), 'infra-gateway');
  assert.deepEqual(get(route, 'spec.rules.0.backendRefs.0'), { group: '', kind: 'Service', name: 'infra-litellm-proxy', port: 4000 });
  const ks = r.find('KnativeServing', 'knative-serving');
  assert.equal(get(ks, 'spec.ingress.kourier.enabled'), true);
  assert.equal(get(ks, 'spec.config.network')['ingress-class'], 'kourier.ingress.networking.knative.dev');
  assert.ok(r.has('Namespace', 'knative-serving'));
  const rfc1123 = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  for (const { object } of r.objects) assert.match(object.metadata.name, rfc1123, `${object.kind} name`);
});

test('zero-config: no secret value is rendered; missing secrets are generated in the cluster by a Job', () => {
  const r = render();
  assert.equal(r.all('Secret').length, 0, 'no Secret objects (they would carry values)');
  const job = r.find('Job', 'infra-generate-secrets');
  const spec = JSON.parse(envOf(container(job)).SECRETS_SPEC);
  assert.deepEqual(spec.map((s: any) => `${s.name}/${s.key}`).sort(), [
    'infra-litellm-proxy-master-key/master-key',
    'infra-litellm-proxy-salt-key/salt-key',
    'infra-valkey-auth/default-password',
  ]);
  assert.equal(spec.find((s: any) => s.key === 'master-key').prefix, 'sk-');
  const role = r.find('Role', 'infra-generate-secrets');
  assert.deepEqual((role as any).rules[1].resourceNames.sort(), spec.map((s: any) => s.name).sort());
  const order = r.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  assert.ok(order.indexOf('Job/infra-generate-secrets') < order.indexOf('Deployment/infra-valkey-primary'));
});

test('determinism: the same input renders byte-identical YAML', async () => {
  const { toYamlStream } = await import('../../src/render/yaml-output.js');
  const a = toYamlStream(render().objects);
  const b = toYamlStream(render().objects);
  assert.equal(a, b);
  assert.ok(a.length > 10000);
});
