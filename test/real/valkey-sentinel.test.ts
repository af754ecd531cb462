import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALKEY_NODE_START, VALKEY_SENTINEL_START } from '../../src/charts/inference-infrastructure/sentinel-scripts.js';
import { freePort, Processes, run, waitFor, waitForPort, which } from '../helpers/procs.js';

/**
 * The Sentinel mode's start scripts with real valkey-server and valkey-sentinel processes (Debian's
 * Valkey 8): three data nodes and three Sentinels on 127.0.0.1. Failover is driven by killing
 * processes with SIGKILL, as a node crash or eviction would.
 */
const procs = new Processes();
const PASSWORD = `s3n"ti\\nel pa$$ 'x`;
const MASTER = 'mymaster';
const nodePorts: number[] = [];
const sentinelPorts: number[] = [];
const nodes = new Map<number, ChildProcess>();

const env = (extra: Record<string, string>) => ({ ...process.env, VALKEY_PASSWORD: PASSWORD, SELF_HOST: '127.0.0.1', MASTER_NAME: MASTER, ...extra });
const nodeList = () => nodePorts.map((p) => `127.0.0.1:${p}`).join(' ');
const sentinelList = () => sentinelPorts.map((p) => `127.0.0.1:${p}`).join(' ');

function cli(port: number, args: string[]) {
  return run('valkey-cli', ['-p', String(port), '--raw', ...args], { env: { ...process.env, REDISCLI_AUTH: PASSWORD } });
}

function sentinelMaster(port = sentinelPorts[0]): number | undefined {
  const out = run('valkey-cli', ['-p', String(port), '--raw', 'SENTINEL', 'get-master-addr-by-name', MASTER]).stdout.trim().split('\n');
  return out.length === 2 ? Number(out[1]) : undefined;
}

function role(port: number): string {
  return /role:(\w+)/.exec(cli(port, ['INFO', 'replication']).stdout)?.[1] ?? 'down';
}

async function startNode(port: number): Promise<void> {
  const dir = procs.tempDir(`valkey-node-${port}`);
  const conf = join(dir, 'node.conf');
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', 'protected-mode no', `dir ${dir}`, 'appendonly no', 'save ""', 'repl-diskless-sync yes',
    'replica-read-only yes', 'replica-serve-stale-data yes', 'repl-diskless-load on-empty-db',
    `include ${join(dir, 'auth.conf')}`, `include ${join(dir, 'role.conf')}`, '',
  ].join('\n'));
  const child = procs.start('sh', ['-c', VALKEY_NODE_START], {
    env: env({ VALKEY_PORT: String(port), NODES: nodeList(), SENTINELS: sentinelList(), RUN_DIR: dir, VALKEY_CONF: conf, FAILOVER_WAIT_SECONDS: '30' }),
  });
  nodes.set(port, child);
  await waitForPort(port, 40_000);
}

async function startSentinel(port: number): Promise<void> {
  procs.start('sh', ['-c', VALKEY_SENTINEL_START], {
    env: env({ SENTINEL_PORT: String(port), NODES: nodeList(), SENTINELS: sentinelList(), RUN_DIR: procs.tempDir(`sentinel-${port}`), BIND_ADDRESS: '127.0.0.1', QUORUM: '2', DOWN_AFTER_MILLISECONDS: '1000', FAILOVER_TIMEOUT_MILLISECONDS: '5000' }),
  });
  await waitForPort(port);
}

function kill(port: number): void {
  nodes.get(port)!.kill('SIGKILL');
}

before(async () => {
  assert.ok(which('valkey-sentinel'), 'valkey-sentinel must be installed (Debian bookworm-backports package valkey-sentinel); .ci/run installs it');
  for (let i = 0; i < 3; i++) nodePorts.push(await freePort());
  for (let i = 0; i < 3; i++) sentinelPorts.push(await freePort());
  // As in a StatefulSet: nodes first (no Sentinel answers, so the first node is master), then Sentinels.
  for (const port of nodePorts) await startNode(port);
  for (const port of sentinelPorts) await startSentinel(port);
});

after(() => procs.stopAll());

test('a fresh cluster: the first node is master, the others replicate, every Sentinel agrees', async () => {
  assert.equal(role(nodePorts[0]), 'master');
  for (const port of nodePorts.slice(1)) await waitFor(() => /master_link_status:up/.test(cli(port, ['INFO', 'replication']).stdout), `replica ${port} linked`);
  for (const s of sentinelPorts) await waitFor(() => sentinelMaster(s) === nodePorts[0], `Sentinel ${s} monitors the first node`);
  // Sentinels find each other and both replicas through the master.
  await waitFor(() => /num-other-sentinels\n2\b/.test(run('valkey-cli', ['-p', String(sentinelPorts[0]), '--raw', 'SENTINEL', 'master', MASTER]).stdout), 'Sentinels discovered each other');
  assert.match(cli(nodePorts[1], ['SET', 'x', '1']).stdout, /READONLY/);
});

test('the master is killed: a replica is promoted, writes resume, and the old master comes back as a replica without wiping anything', async () => {
  const first = nodePorts[0];
  for (let i = 0; i < 100; i++) assert.equal(cli(first, ['SET', `before:${i}`, String(i)]).stdout.trim(), 'OK');
  for (const port of nodePorts.slice(1)) await waitFor(() => cli(port, ['DBSIZE']).stdout.trim() === '100', `replica ${port} has the 100 keys`);

  kill(first);
  await waitFor(() => sentinelMaster() !== undefined && sentinelMaster() !== first, 'Sentinel promoted a replica', 30_000);
  const promoted = sentinelMaster()!;
  assert.ok(nodePorts.slice(1).includes(promoted));
  await waitFor(() => role(promoted) === 'master', 'the promoted node reports role:master');
  for (let i = 0; i < 50; i++) assert.equal(cli(promoted, ['SET', `after:${i}`, String(i)]).stdout.trim(), 'OK', 'writes resume on the promoted master');

  // The killed node starts again with no data: Sentinel names another master, so it joins as a replica.
  await startNode(first);
  await waitFor(() => role(first) === 'slave' && /master_link_status:up/.test(cli(first, ['INFO', 'replication']).stdout), 'old master rejoined as a replica', 30_000);
  await waitFor(() => cli(first, ['DBSIZE']).stdout.trim() === '150', 'old master resynced every key');
  assert.equal(cli(promoted, ['DBSIZE']).stdout.trim(), '150', 'nothing written before or after promotion was lost');
  assert.equal(cli(promoted, ['GET', 'after:49']).stdout.trim(), '49');
});

test('a master that restarts before Sentinel notices stays down until a replica is promoted, so its empty dataset is never replicated', async () => {
  const master = sentinelMaster()!;
  const keys = Number(cli(master, ['DBSIZE']).stdout.trim());
  assert.ok(keys >= 150);
  // Kill and restart at once: Sentinel still names this node master when its script asks.
  kill(master);
  await new Promise((r) => setTimeout(r, 100));
  const restarted = startNode(master);
  await waitFor(() => sentinelMaster() !== master, 'Sentinel failed over while the restarted node waited', 30_000);
  await restarted;
  const now = sentinelMaster()!;
  await waitFor(() => role(master) === 'slave' && cli(master, ['DBSIZE']).stdout.trim() === String(keys), 'the restarted node replicates the new master', 30_000);
  assert.equal(cli(now, ['DBSIZE']).stdout.trim(), String(keys), `still ${keys} keys: nothing was wiped (the default mode loses them all)`);
  assert.match((nodes.get(master) as ChildProcess & { output(): string }).output(), /waiting for a replica to be promoted/);
});
