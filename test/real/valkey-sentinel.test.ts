import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { container, get, render } from '../helpers/render.js';
import { freePort, Processes, run, waitFor, waitForPort, which } from '../helpers/procs.js';

/**
 * Valkey Sentinel mode (valkey.sentinel.enabled) with real valkey-server and valkey-sentinel
 * processes (Debian's Valkey 8): three data nodes and three Sentinels on 127.0.0.1, each running
 * exactly the start script, environment and valkey.conf the chart renders for its pod. Only what
 * differs between a pod and this machine is substituted: ports, directories, and the pods' DNS names
 * (127.0.0.1). Failover is driven by SIGKILL, as a node crash or eviction would.
 */
const procs = new Processes();
const PASSWORD = `s3n"ti\\nel pa$$ 'x`;
const NS = 'default';
let rendered: ReturnType<typeof render>;
const nodePorts: number[] = [];
const sentinelPorts: number[] = [];
const nodes = new Map<number, ChildProcess>();

const nodeDns = (i: number) => `infra-valkey-node-${i}.infra-valkey-node-headless.${NS}.svc.cluster.local`;
const sentinelDns = (i: number) => `infra-valkey-sentinel-${i}.infra-valkey-sentinel-headless.${NS}.svc.cluster.local`;

function cli(port: number, args: string[], auth = true) {
  const env: NodeJS.ProcessEnv = { ...process.env, REDISCLI_AUTH: PASSWORD };
  if (!auth) delete env.REDISCLI_AUTH;
  return run('valkey-cli', ['-p', String(port), '--raw', ...args], { env });
}

function sentinelMaster(port = sentinelPorts[0]): number | undefined {
  const out = cli(port, ['SENTINEL', 'get-master-addr-by-name', 'mymaster']).stdout.trim().split('\n');
  return out.length === 2 ? Number(out[1]) : undefined;
}

function role(port: number): string {
  return /role:(\w+)/.exec(cli(port, ['INFO', 'replication']).stdout)?.[1] ?? 'down';
}

/** The rendered pod environment with its cluster addresses mapped to this machine; Secret values become the test password. */
function localEnv(c: any, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const e of c.env as any[]) {
    if (e.valueFrom?.secretKeyRef) env[e.name] = PASSWORD;
    else if (e.valueFrom?.fieldRef) continue;
    else env[e.name] = e.value;
  }
  let nodesList = env.NODES;
  nodePorts.forEach((p, i) => (nodesList = nodesList.replace(`${nodeDns(i)}:6379`, `127.0.0.1:${p}`)));
  let sentinelsList = env.SENTINELS;
  sentinelPorts.forEach((p, i) => (sentinelsList = sentinelsList.replace(`${sentinelDns(i)}:26379`, `127.0.0.1:${p}`)));
  assert.doesNotMatch(nodesList + sentinelsList, /svc\.cluster\.local/, 'every rendered address was mapped');
  return { PATH: process.env.PATH, ...env, NODES: nodesList, SENTINELS: sentinelsList, SELF_HOST: '127.0.0.1', ...extra };
}

async function startNode(index: number): Promise<void> {
  const port = nodePorts[index];
  const c = container(rendered.find('StatefulSet', 'infra-valkey-node'), 'valkey');
  const dir = procs.tempDir(`valkey-node-${port}`);
  const conf: string = get(rendered.find('ConfigMap', 'infra-valkey-config'), 'data')['node.conf'];
  const localConf = join(dir, 'node.conf');
  writeFileSync(
    localConf,
    conf
      .replace(/^port 6379$/m, `port ${port}`)
      .replace(/^bind .*$/m, 'bind 127.0.0.1')
      .replace(/^dir \/data$/m, `dir ${dir}`)
      .replaceAll('/run/valkey/', `${dir}/`),
  );
  assert.deepEqual(c.command.slice(0, 2), ['sh', '-c']);
  const child = procs.start('sh', ['-c', c.command[2]], { env: localEnv(c, { VALKEY_PORT: String(port), RUN_DIR: dir, VALKEY_CONF: localConf }) });
  nodes.set(port, child);
  await waitForPort(port, 40_000);
}

async function startSentinel(index: number): Promise<void> {
  const port = sentinelPorts[index];
  const c = container(rendered.find('StatefulSet', 'infra-valkey-sentinel'), 'sentinel');
  // The pod binds every address; here only loopback.
  procs.start('sh', ['-c', c.command[2]], { env: localEnv(c, { SENTINEL_PORT: String(port), RUN_DIR: procs.tempDir(`sentinel-${port}`), BIND_ADDRESS: '127.0.0.1' }) });
  await waitForPort(port);
}

function probe(kind: 'node' | 'sentinel', which: 'readinessProbe' | 'livenessProbe', port: number): number | null {
  const c = kind === 'node' ? container(rendered.find('StatefulSet', 'infra-valkey-node'), 'valkey') : container(rendered.find('StatefulSet', 'infra-valkey-sentinel'), 'sentinel');
  const [cmd, ...args] = c[which].exec.command as string[];
  const env = kind === 'node' ? localEnv(c, { VALKEY_PORT: String(port) }) : localEnv(c, { SENTINEL_PORT: String(port) });
  return run(cmd, args, { env }).status;
}

function kill(port: number): void {
  nodes.get(port)!.kill('SIGKILL');
}

before(async () => {
  assert.ok(which('valkey-sentinel'), 'valkey-sentinel must be installed (Debian bookworm-backports package valkey-sentinel); .ci/run installs it');
  // Fast failure detection for the test; everything else is the chart's default rendering.
  rendered = render({ options: { values: ['valkey.sentinel.enabled=true', 'valkey.sentinel.downAfterMilliseconds=1000', 'valkey.sentinel.failoverTimeoutMilliseconds=5000'] } });
  for (let i = 0; i < 3; i++) nodePorts.push(await freePort());
  for (let i = 0; i < 3; i++) sentinelPorts.push(await freePort());
  // As at install: the nodes' group first (no Sentinel answers, so the first node is master), then the Sentinels.
  for (let i = 0; i < 3; i++) await startNode(i);
  for (let i = 0; i < 3; i++) await startSentinel(i);
});

after(() => procs.stopAll());

test('a fresh cluster: the first node is master, the others replicate, every Sentinel agrees and the rendered probes pass', async () => {
  assert.equal(get(rendered.find('StatefulSet', 'infra-valkey-node'), 'spec.replicas'), 3, '1 + valkey.replica.replicaCount');
  assert.equal(get(rendered.find('StatefulSet', 'infra-valkey-sentinel'), 'spec.replicas'), 3);
  assert.equal(role(nodePorts[0]), 'master');
  for (const port of nodePorts.slice(1)) await waitFor(() => /master_link_status:up/.test(cli(port, ['INFO', 'replication']).stdout), `replica ${port} linked`);
  for (const s of sentinelPorts) await waitFor(() => sentinelMaster(s) === nodePorts[0], `Sentinel ${s} monitors the first node`);
  // Sentinels find each other (authenticating with the shared password) and both replicas through the master.
  await waitFor(() => /num-other-sentinels\n2\b/.test(cli(sentinelPorts[0], ['SENTINEL', 'master', 'mymaster']).stdout), 'Sentinels discovered each other');
  await waitFor(() => /num-slaves\n2\b/.test(cli(sentinelPorts[0], ['SENTINEL', 'master', 'mymaster']).stdout), 'Sentinels know both replicas');
  assert.match(cli(nodePorts[1], ['SET', 'x', '1']).stdout, /READONLY/);
  for (const port of nodePorts) assert.equal(probe('node', 'readinessProbe', port), 0, `node ${port} ready`);
  for (const port of sentinelPorts) assert.equal(probe('sentinel', 'readinessProbe', port), 0, `Sentinel ${port} ready`);
});

test('the Sentinels require the Valkey password, which LiteLLM sends as sentinel_password; the primary they name takes its password', () => {
  const denied = cli(sentinelPorts[0], ['SENTINEL', 'get-master-addr-by-name', 'mymaster'], false);
  assert.match(denied.stdout + denied.stderr, /NOAUTH/);
  const config = parse(get(rendered.find('ConfigMap', 'infra-litellm-proxy-config'), 'data')['config.yaml']);
  const params = config.litellm_settings.cache_params;
  assert.deepEqual(params.sentinel_nodes, [['infra-valkey-sentinel', 26379]]);
  assert.equal(params.service_name, 'mymaster');
  assert.equal(params.sentinel_password, 'os.environ/REDIS_SENTINEL_PASSWORD');
  assert.equal(params.password, 'os.environ/REDIS_PASSWORD');
  assert.deepEqual(config.general_settings.coordination_redis, { service_name: 'mymaster', sentinel_nodes: [['infra-valkey-sentinel', 26379]], password: 'os.environ/REDIS_PASSWORD', sentinel_password: 'os.environ/REDIS_SENTINEL_PASSWORD' });
  // What LiteLLM does with them: ask a Sentinel (with sentinel_password) for the primary, then AUTH there (with password).
  const master = sentinelMaster()!;
  assert.equal(cli(master, ['SET', 'litellm.caching:k', 'v']).stdout.trim(), 'OK');
  assert.match(cli(master, ['SET', 'x', 'y'], false).stdout, /NOAUTH/);
});

test('the master is killed: a replica is promoted, writes resume, and the old master comes back as a replica without wiping anything', async () => {
  const first = nodePorts[0];
  for (let i = 0; i < 100; i++) assert.equal(cli(first, ['SET', `before:${i}`, String(i)]).stdout.trim(), 'OK');
  for (const port of nodePorts.slice(1)) await waitFor(() => cli(port, ['DBSIZE']).stdout.trim() === '101', `replica ${port} has the 101 keys`);

  kill(first);
  await waitFor(() => sentinelMaster() !== undefined && sentinelMaster() !== first, 'Sentinel promoted a replica', 30_000);
  const promoted = sentinelMaster()!;
  assert.ok(nodePorts.slice(1).includes(promoted));
  await waitFor(() => role(promoted) === 'master', 'the promoted node reports role:master');
  assert.equal(probe('node', 'readinessProbe', promoted), 0, 'the promoted node is ready');
  for (let i = 0; i < 50; i++) assert.equal(cli(promoted, ['SET', `after:${i}`, String(i)]).stdout.trim(), 'OK', 'writes resume on the promoted master');

  // The killed node starts again with no data: Sentinel names another master, so it joins as a replica.
  await startNode(0);
  await waitFor(() => role(first) === 'slave' && /master_link_status:up/.test(cli(first, ['INFO', 'replication']).stdout), 'old master rejoined as a replica', 30_000);
  await waitFor(() => cli(first, ['DBSIZE']).stdout.trim() === '151', 'old master resynced every key');
  assert.equal(cli(promoted, ['DBSIZE']).stdout.trim(), '151', 'nothing written before or after promotion was lost');
  assert.equal(cli(promoted, ['GET', 'after:49']).stdout.trim(), '49');
  assert.equal(probe('node', 'readinessProbe', first), 0, 'the rejoined node is ready once linked');
});

test('a master that restarts before Sentinel notices stays down until a replica is promoted, so its empty dataset is never replicated', async () => {
  const master = sentinelMaster()!;
  const index = nodePorts.indexOf(master);
  const keys = Number(cli(master, ['DBSIZE']).stdout.trim());
  assert.ok(keys >= 151);
  // Kill and restart at once: Sentinel still names this node master when its script asks.
  kill(master);
  await new Promise((r) => setTimeout(r, 100));
  const restarted = startNode(index);
  await waitFor(() => sentinelMaster() !== master, 'Sentinel failed over while the restarted node waited', 30_000);
  await restarted;
  const now = sentinelMaster()!;
  await waitFor(() => role(master) === 'slave' && cli(master, ['DBSIZE']).stdout.trim() === String(keys), 'the restarted node replicates the new master', 30_000);
  assert.equal(cli(now, ['DBSIZE']).stdout.trim(), String(keys), `still ${keys} keys: nothing was wiped (the default mode loses them all)`);
  assert.match((nodes.get(master) as ChildProcess & { output(): string }).output(), /waiting for a replica to be promoted/);
});
