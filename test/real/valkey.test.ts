import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { container, get, render } from '../helpers/render.js';
import { freePort, Processes, run, waitFor, waitForPort, which } from '../helpers/procs.js';

/**
 * Runs real valkey-server processes (Debian's valkey-server 8) with exactly the configuration and
 * start script the Valkey component renders. Only what differs between a pod and this machine is
 * substituted: the port, the data and run directories, and the primary's Service name (127.0.0.1).
 */
const procs = new Processes();
// A password with every character valkey.conf quoting has to survive.
const PASSWORD = `pa"ss\\wo rd$x'y`;
let primaryPort = 0;
const replicaPorts: number[] = [];
let rendered: ReturnType<typeof render>;
const started = new Map<number, ChildProcess>();

function cli(port: number, args: string[], auth = true) {
  const env = { ...process.env, ...(auth ? { REDISCLI_AUTH: PASSWORD } : {}) };
  delete (env as Record<string, string | undefined>).VALKEYCLI_AUTH;
  if (!auth) delete (env as Record<string, string | undefined>).REDISCLI_AUTH;
  return run('valkey-cli', ['-p', String(port), ...args], { env });
}

async function startInstance(role: 'primary' | 'replica', port: number): Promise<void> {
  const deployment = rendered.find('Deployment', role === 'primary' ? 'infra-valkey-primary' : 'infra-valkey-replica');
  const c = container(deployment, 'valkey');
  const conf: string = get(rendered.find('ConfigMap', 'infra-valkey-config'), 'data')[`${role}.conf`];
  const dir = procs.tempDir(`valkey-${role}`);
  const localConf = conf
    .replace(/^port \d+$/m, `port ${port}`)
    .replace(/^dir \/data$/m, `dir ${dir}`)
    .replace('/run/valkey/auth.conf', join(dir, 'auth.conf'))
    .replace(/^replicaof infra-valkey \d+$/m, `replicaof 127.0.0.1 ${primaryPort}`)
    .replace(/^bind .*$/m, 'bind 127.0.0.1');
  const confPath = join(dir, `${role}.conf`);
  writeFileSync(confPath, localConf);
  const script: string = c.command[2]
    .replace('/run/valkey/auth.conf', join(dir, 'auth.conf'))
    .replace(`/etc/valkey/${role}.conf`, confPath);
  assert.equal(c.command[0], 'sh');
  started.set(port, procs.start('sh', ['-c', script], { env: { ...process.env, VALKEY_PASSWORD: PASSWORD } }));
  await waitForPort(port);
}

before(async () => {
  assert.ok(which('valkey-server'), 'valkey-server must be installed (Debian bookworm-backports package valkey-server); .ci/run installs it');
  rendered = render({ options: { values: ['valkey.replica.replicaCount=2'] } });
  primaryPort = await freePort();
  await startInstance('primary', primaryPort);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    replicaPorts.push(port);
    await startInstance('replica', port);
  }
});

after(() => procs.stopAll());

test('without the password the server refuses commands; with it, PING answers PONG', () => {
  const denied = cli(primaryPort, ['PING'], false);
  assert.match(denied.stdout + denied.stderr, /NOAUTH/);
  const ok = cli(primaryPort, ['PING']);
  assert.equal(ok.stdout.trim(), 'PONG');
  // The README's troubleshooting command: valkey-cli -a <password> PING
  const readme = run('valkey-cli', ['-p', String(primaryPort), '--no-auth-warning', '-a', PASSWORD, 'PING']);
  assert.equal(readme.stdout.trim(), 'PONG');
});

test('replicas replicate from the primary with the same password and refuse writes', async () => {
  for (const port of replicaPorts) {
    await waitFor(() => /master_link_status:up/.test(cli(port, ['INFO', 'replication']).stdout), `replica ${port} link up`);
  }
  assert.equal(cli(primaryPort, ['SET', 'litellm.caching:k1', 'v1']).stdout.trim(), 'OK');
  for (const port of replicaPorts) {
    await waitFor(() => cli(port, ['GET', 'litellm.caching:k1']).stdout.trim() === 'v1', `key on replica ${port}`);
    assert.match(cli(port, ['SET', 'x', 'y']).stdout, /READONLY/);
  }
  const info = cli(primaryPort, ['INFO', 'replication']).stdout;
  assert.match(info, /connected_slaves:2/);
});

test('cache settings: eviction policy, maxmemory from the memory limit, no persistence', () => {
  assert.match(cli(primaryPort, ['CONFIG', 'GET', 'maxmemory-policy']).stdout, /allkeys-lru/);
  // 512Mi limit x 75 % = 402653184 bytes
  assert.match(cli(primaryPort, ['CONFIG', 'GET', 'maxmemory']).stdout, /402653184/);
  assert.match(cli(primaryPort, ['CONFIG', 'GET', 'appendonly']).stdout, /\bno\b/);
  assert.match(cli(primaryPort, ['CONFIG', 'GET', 'save']).stdout, /save\n\n?$/m);
});

test("the rendered readiness probes pass against the running servers", () => {
  const probe = (role: 'primary' | 'replica') => container(rendered.find('Deployment', `infra-valkey-${role}`), 'valkey').readinessProbe.exec.command as string[];
  const env = (port: number) => ({ ...process.env, VALKEY_PORT: String(port), REDISCLI_AUTH: PASSWORD });
  assert.equal(run(probe('primary')[0], probe('primary').slice(1), { env: env(primaryPort) }).status, 0);
  assert.equal(run(probe('replica')[0], probe('replica').slice(1), { env: env(replicaPorts[0]) }).status, 0);
  // A replica probe against the primary fails: it has no master link, which is what makes it a replica check.
  assert.notEqual(run(probe('replica')[0], probe('replica').slice(1), { env: env(primaryPort) }).status, 0);
});

test('what the default mode does not survive: a primary restart empties the cache and the replicas resync to nothing', async () => {
  for (let i = 0; i < 100; i++) assert.equal(cli(primaryPort, ['SET', `k:${i}`, String(i)]).stdout.trim(), 'OK');
  const keys = Number(cli(primaryPort, ['DBSIZE']).stdout.trim());
  assert.ok(keys >= 100);
  for (const port of replicaPorts) await waitFor(() => cli(port, ['DBSIZE']).stdout.trim() === String(keys), `replica ${port} has the keys`);
  // A crash or eviction: the pod restarts with the same rendered configuration and no data.
  started.get(primaryPort)!.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  await startInstance('primary', primaryPort);
  for (const port of replicaPorts) {
    await waitFor(() => /master_link_status:up/.test(cli(port, ['INFO', 'replication']).stdout) && cli(port, ['DBSIZE']).stdout.trim() === '0', `replica ${port} resynced to the empty primary`, 30_000);
  }
  assert.equal(cli(primaryPort, ['DBSIZE']).stdout.trim(), '0', `${keys} keys -> 0: Sentinel mode (valkey.sentinel.enabled) is the one that keeps them`);
});
