import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { container, envOf, get, podSpec, render } from '../helpers/render.js';

// Valkey Sentinel mode as rendered: the objects, their wiring, LiteLLM's side, and the refusals.
const SENTINEL = ['valkey.sentinel.enabled=true'];
const litellmConfig = (r: ReturnType<typeof render>, release = 'infra') => parse(get(r.find('ConfigMap', `${release}-litellm-proxy-config`), 'data')['config.yaml']);

test('Sentinel mode renders data nodes and Sentinels in place of the primary and replica Deployments', () => {
  const r = render({ options: { values: SENTINEL } });
  const valkey = r.objects.filter((o) => o.object.metadata.name.includes('valkey') && o.object.kind !== 'Job').map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  assert.deepEqual(valkey.sort(), [
    'ConfigMap/infra-valkey-config',
    'NetworkPolicy/infra-valkey-sentinel',
    'PodDisruptionBudget/infra-valkey-node',
    'PodDisruptionBudget/infra-valkey-sentinel',
    'Service/infra-valkey-node-headless',
    'Service/infra-valkey-sentinel',
    'Service/infra-valkey-sentinel-headless',
    'ServiceAccount/infra-valkey',
    'StatefulSet/infra-valkey-node',
    'StatefulSet/infra-valkey-sentinel',
  ]);
  assert.ok(!r.has('Service', 'infra-valkey'), 'no fixed primary Service: the primary moves');
  const nodes = r.find('StatefulSet', 'infra-valkey-node');
  assert.equal(get(nodes, 'spec.replicas'), 3);
  assert.equal(get(nodes, 'spec.serviceName'), 'infra-valkey-node-headless');
  assert.equal(get(r.find('Service', 'infra-valkey-node-headless'), 'spec.clusterIP'), 'None');
  assert.equal(get(r.find('Service', 'infra-valkey-node-headless'), 'spec.publishNotReadyAddresses'), true);
  assert.equal(get(r.find('Service', 'infra-valkey-sentinel'), 'spec.ports.0.port'), 26379);
  // The seed README's selector still finds every Valkey pod.
  for (const sts of ['infra-valkey-node', 'infra-valkey-sentinel']) assert.equal(get(r.find('StatefulSet', sts), 'spec.template.metadata.labels')['app.kubernetes.io/name'], 'valkey');
  // Sentinels come after the nodes, LiteLLM after the Sentinels.
  const wave = (kind: string, name: string) => Number(r.find(kind, name).metadata.annotations!['argocd.argoproj.io/sync-wave']);
  assert.ok(wave('StatefulSet', 'infra-valkey-node') < wave('StatefulSet', 'infra-valkey-sentinel'));
  assert.ok(wave('StatefulSet', 'infra-valkey-sentinel') < wave('Deployment', 'infra-litellm-proxy'));
});

test('pods: restricted like the default Valkey pods (uid 999), the password only from the Secret, stable DNS names, spread across nodes', () => {
  const r = render({ options: { values: SENTINEL }, namespace: 'llm' });
  for (const [sts, name] of [['infra-valkey-node', 'valkey'], ['infra-valkey-sentinel', 'sentinel']] as const) {
    const spec = podSpec(r.find('StatefulSet', sts));
    const c = container(r.find('StatefulSet', sts), name);
    assert.deepEqual(spec.securityContext, podSpec(render().find('Deployment', 'infra-valkey-primary')).securityContext);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    const env = envOf(c);
    assert.deepEqual(env.VALKEY_PASSWORD, { secretKeyRef: { name: 'infra-valkey-auth', key: 'default-password' } });
    assert.deepEqual(env.REDISCLI_AUTH, { secretKeyRef: { name: 'infra-valkey-auth', key: 'default-password' } });
    assert.match(env.SELF_HOST, new RegExp(`^\\$\\(POD_NAME\\)\\.${sts}-headless\\.llm\\.svc\\.cluster\\.local$`));
    assert.equal(env.NODES, [0, 1, 2].map((i) => `infra-valkey-node-${i}.infra-valkey-node-headless.llm.svc.cluster.local:6379`).join(' '));
    assert.equal(env.SENTINELS, [0, 1, 2].map((i) => `infra-valkey-sentinel-${i}.infra-valkey-sentinel-headless.llm.svc.cluster.local:26379`).join(' '));
    assert.equal(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
    assert.ok(c.readinessProbe.exec.command[2].length > 0);
  }
  const node = container(r.find('StatefulSet', 'infra-valkey-node'), 'valkey');
  assert.match(node.readinessProbe.exec.command[2], /role:master\*\|\*master_link_status:up/);
  assert.match(container(r.find('StatefulSet', 'infra-valkey-sentinel'), 'sentinel').readinessProbe.exec.command[2], /SENTINEL get-master-addr-by-name/);
  // A restarted primary may wait for the failover (down-after 5 s + failover-timeout 30 s + 10 s) before it listens.
  assert.equal(envOf(node).FAILOVER_WAIT_SECONDS, '45');
  assert.ok(node.startupProbe.periodSeconds * node.startupProbe.failureThreshold >= 45 + 60);
  const conf: string = get(r.find('ConfigMap', 'infra-valkey-config'), 'data')['node.conf'];
  assert.match(conf, /^include \/run\/valkey\/auth\.conf$/m);
  assert.match(conf, /^include \/run\/valkey\/role\.conf$/m);
  assert.doesNotMatch(conf, /^replicaof/m, 'the start script decides the role');
  assert.match(conf, /^maxmemory 402653184$/m, 'every node is sized like a primary');
  // The scripts write requirepass and auth-pass from $VALKEY_PASSWORD at start, into the memory-backed run directory.
  assert.equal(r.all('Secret').length, 0, 'no Secret objects: the password is generated in the cluster');
  assert.match(node.command[2], /requirepass "%s"\\nmasterauth "%s"\\n' "\$esc" "\$esc" > "\$RUN_DIR\/auth\.conf"/);
  assert.deepEqual(get(r.find('StatefulSet', 'infra-valkey-sentinel'), 'spec.template.spec.volumes'), [{ name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);
  for (const pdb of ['infra-valkey-node', 'infra-valkey-sentinel']) assert.equal(get(r.find('PodDisruptionBudget', pdb), 'spec.maxUnavailable'), 1);
});

test("NetworkPolicy: the Sentinel port only from this release's LiteLLM and Valkey pods; it can be turned off", () => {
  const r = render({ options: { values: SENTINEL } });
  const np = r.find('NetworkPolicy', 'infra-valkey-sentinel');
  assert.deepEqual(get(np, 'spec.podSelector.matchLabels'), get(r.find('StatefulSet', 'infra-valkey-sentinel'), 'spec.selector.matchLabels'));
  const from = get(np, 'spec.ingress.0.from').map((f: any) => f.podSelector.matchLabels);
  assert.deepEqual(from[0], get(r.find('Deployment', 'infra-litellm-proxy'), 'spec.selector.matchLabels'));
  assert.deepEqual(from[1], { 'app.kubernetes.io/name': 'valkey', 'app.kubernetes.io/instance': 'infra' });
  assert.deepEqual(get(np, 'spec.ingress.0.ports'), [{ protocol: 'TCP', port: 26379 }]);
  assert.ok(!render({ options: { values: [...SENTINEL, 'valkey.sentinel.networkPolicy.enabled=false'] } }).has('NetworkPolicy', 'infra-valkey-sentinel'));
});

test('LiteLLM follows the bundled Sentinels by release name: cache, coordination Redis and the Sentinel password', () => {
  const r = render({ release: 'platform', options: { values: [...SENTINEL, 'valkey.sentinel.masterName=cache'] } });
  const config = litellmConfig(r, 'platform');
  const sentinel = { service_name: 'cache', sentinel_nodes: [['platform-valkey-sentinel', 26379]], password: 'os.environ/REDIS_PASSWORD', sentinel_password: 'os.environ/REDIS_SENTINEL_PASSWORD' };
  assert.deepEqual(config.litellm_settings.cache_params, { type: 'redis', ...sentinel, namespace: 'litellm.caching', ttl: 600, mode: 'default_off' });
  assert.deepEqual(config.general_settings.coordination_redis, sentinel);
  assert.equal(config.router_settings.redis_host, undefined, 'the router takes its counters from coordination Redis');
  const env = envOf(container(r.find('Deployment', 'platform-litellm-proxy'), 'litellm'));
  assert.deepEqual(env.REDIS_SENTINEL_PASSWORD, { secretKeyRef: { name: 'platform-valkey-auth', key: 'default-password' } });
  assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'platform-valkey-auth', key: 'default-password' } });
  assert.ok(r.groups.find((g) => g.name === 'litellm')!.dependsOn.includes('valkey-sentinel'));
});

test('explicit values win over the derived Sentinel wiring; an existing Valkey Secret is followed', () => {
  const r = render({ options: { values: [...SENTINEL, 'litellm-proxy.cache.sentinel.host=sentinel.other.svc', 'litellm-proxy.cache.sentinel.port=26380', 'valkey.auth.existingSecret=vk', 'valkey.auth.existingSecretKey=pw'] } });
  const params = litellmConfig(r).litellm_settings.cache_params;
  assert.deepEqual(params.sentinel_nodes, [['sentinel.other.svc', 26380]]);
  assert.deepEqual(envOf(container(r.find('Deployment', 'infra-litellm-proxy'), 'litellm')).REDIS_SENTINEL_PASSWORD, { secretKeyRef: { name: 'vk', key: 'pw' } });
  assert.deepEqual(envOf(container(r.find('StatefulSet', 'infra-valkey-sentinel'), 'sentinel')).VALKEY_PASSWORD, { secretKeyRef: { name: 'vk', key: 'pw' } });
});

test('external Sentinel: a password Secret for the Sentinels is optional and becomes a provided reference', () => {
  const ext = 'postgresql: {enabled: false}\nvalkey: {enabled: false}\nlitellm-proxy:\n  database: {host: pg.svc, passwordSecretName: pg}\n  cache: {passwordSecretName: redis, sentinel: {enabled: true, host: s.svc, passwordSecretName: sentinel-auth, passwordSecretKey: pw}}\n';
  const r = render({ files: { 'ext.yaml': ext } });
  assert.equal(litellmConfig(r).litellm_settings.cache_params.sentinel_password, 'os.environ/REDIS_SENTINEL_PASSWORD');
  assert.ok(r.result.provided.some((p) => p.name === 'sentinel-auth' && p.keys?.[0] === 'pw' && p.by.includes('sentinel.passwordSecretName')));
  const without = render({ files: { 'ext.yaml': ext.replace(', passwordSecretName: sentinel-auth, passwordSecretKey: pw', '') } });
  assert.equal(litellmConfig(without).litellm_settings.cache_params.sentinel_password, undefined);
  assert.equal(envOf(container(without.find('Deployment', 'infra-litellm-proxy'), 'litellm')).REDIS_SENTINEL_PASSWORD, undefined);
});

test('refusals: no replica to promote, an unreachable quorum, LiteLLM told not to use the bundled Sentinels, no Sentinel password', () => {
  assert.throws(() => render({ options: { values: [...SENTINEL, 'valkey.replica.replicaCount=0'] } }), /key valkey\.replica\.replicaCount \(from --set valkey\.replica\.replicaCount=0\): valkey\.sentinel\.enabled is true, but with no replica there is nothing to promote/);
  assert.throws(() => render({ options: { values: [...SENTINEL, 'valkey.sentinel.quorum=4'] } }), /key valkey\.sentinel\.quorum .*: a quorum of 4 can never be reached by 3 Sentinels/);
  assert.throws(() => render({ options: { values: [...SENTINEL, 'litellm-proxy.cache.sentinel.enabled=false'] } }), /key litellm-proxy\.cache\.sentinel\.enabled .*no fixed primary Service \(infra-valkey is not rendered\)/);
  assert.throws(() => render({ options: { values: SENTINEL, stringValues: ['litellm-proxy.cache.sentinel.passwordSecretName='] } }), /key litellm-proxy\.cache\.sentinel\.passwordSecretName .*require the Valkey password/);
  // Sentinel mode with the cache pointed elsewhere is the user's choice.
  render({ options: { values: [...SENTINEL, 'litellm-proxy.cache.sentinel.enabled=false', 'litellm-proxy.cache.host=other-redis.svc'] } });
});

test('switching modes: the objects of one mode are absent from the other, so upgrade prunes them by inventory', () => {
  const key = (o: { object: { kind: string; metadata: { name: string } } }) => `${o.object.kind}/${o.object.metadata.name}`;
  const plain = new Set(render().objects.map(key));
  const sentinel = new Set(render({ options: { values: SENTINEL } }).objects.map(key));
  const gone = [...plain].filter((k) => !sentinel.has(k) && k.includes('valkey'));
  assert.deepEqual(gone.sort(), ['Deployment/infra-valkey-primary', 'Deployment/infra-valkey-replica', 'Service/infra-valkey']);
  const back = [...sentinel].filter((k) => !plain.has(k));
  assert.deepEqual(back.sort(), ['NetworkPolicy/infra-valkey-sentinel', 'PodDisruptionBudget/infra-valkey-node', 'PodDisruptionBudget/infra-valkey-sentinel', 'Service/infra-valkey-node-headless', 'Service/infra-valkey-sentinel', 'Service/infra-valkey-sentinel-headless', 'StatefulSet/infra-valkey-node', 'StatefulSet/infra-valkey-sentinel']);
  // The shared ConfigMap changes content, so LiteLLM's config hash changes and its pods roll onto the new wiring.
  const hash = (r: ReturnType<typeof render>) => get(r.find('Deployment', 'infra-litellm-proxy'), 'spec.template.metadata.annotations')['inferctl.io/config-hash'];
  assert.notEqual(hash(render()), hash(render({ options: { values: SENTINEL } })));
});

test('monitoring in Sentinel mode: the data nodes carry the exporter and the data-path dashboard and alerts select their pods', () => {
  const r = render({ options: { values: [...SENTINEL, 'monitoring.enabled=true'] } });
  const node = podSpec(r.find('StatefulSet', 'infra-valkey-node'));
  assert.deepEqual(node.containers.map((c: { name: string }) => c.name), ['valkey', 'metrics']);
  assert.deepEqual(podSpec(r.find('StatefulSet', 'infra-valkey-sentinel')).containers.map((c: { name: string }) => c.name), ['sentinel']);
  const dashboard = JSON.stringify(r.find('ConfigMap', 'infra-dashboard-data-path'));
  assert.match(dashboard, /redis_memory_used_bytes\{[^}]*infra-valkey-node-\[0-9\]\+/);
  assert.doesNotMatch(dashboard, /infra-valkey-primary/);
  const alerts = JSON.stringify(r.find('PrometheusRule', 'infra-alerts'));
  assert.match(alerts, /ValkeyReplicationLinkDown/);
  assert.match(alerts, /redis_connected_slaves\{[^}]*infra-valkey-node-\[0-9\]\+[^}]*\}\) < 2/);
});
