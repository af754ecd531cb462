import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get, render } from '../helpers/render.js';
import { freePort, Processes, run, waitFor, waitForPort, which } from '../helpers/procs.js';

/**
 * The rollout surge against a real PgBouncer (Debian's 1.18) in front of a real PostgreSQL 15, with
 * the pooler parameters the chart renders at the edge: 2 LiteLLM pods x 1 worker x 10 connections
 * = 20 clients per pooler instance. Each client is a psql session held open, as Prisma holds its
 * pool. PostgreSQL and PgBouncer refuse to run as root, so they run as the Debian "postgres" user.
 */
const procs = new Processes();
const PASSWORD = 'surge-test-password';
const PGBIN = '/usr/lib/postgresql/15/bin';
const EDGE = ['litellm-proxy.replicaCount=2', 'postgresql.poolers[0].name=rw', 'postgresql.poolers[0].instances=1'];
let dir = '';
let pgPort = 0;
const sessions: ChildProcess[] = [];

function asPostgres(cmd: string, args: string[]) {
  return run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
}

/** A PgBouncer with the rendered pooler's mode and parameters; only the listening address and files are this machine's. */
async function startPgBouncer(name: string, parameters: Record<string, string>, poolMode: string): Promise<number> {
  const port = await freePort();
  // PgBouncer 1.18 (bookworm) predates max_prepared_statements (1.21); CNPG's pooler image is 1.25.
  const supported = Object.entries(parameters).filter(([k]) => k !== 'max_prepared_statements');
  writeFileSync(
    join(dir, `${name}.ini`),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${pgPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      `logfile = ${join(dir, `${name}.log`)}`,
      `pidfile = ${join(dir, `${name}.pid`)}`,
      ...supported.map(([k, v]) => `${k} = ${v}`),
      '',
    ].join('\n'),
  );
  run('chown', ['-R', 'postgres', dir]);
  procs.start('runuser', ['-u', 'postgres', '--', 'pgbouncer', join(dir, `${name}.ini`)]);
  await waitForPort(port);
  return port;
}

interface Session {
  ok: boolean;
  stderr: string;
}

/** Opens a psql session through the pooler and keeps it open (as a Prisma pool keeps its connections). */
function openSession(port: number): Promise<Session> {
  return new Promise((resolve) => {
    const child = spawn('psql', ['-X', '-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'app'], {
      env: { PATH: process.env.PATH, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    sessions.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      // The query ran on a server connection, so the client is logged in and counted by PgBouncer.
      if (out.includes('connected')) resolve({ ok: true, stderr: err });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', () => resolve({ ok: false, stderr: err }));
    child.stdin!.write("select 'connected';\n");
  });
}

async function openPod(port: number, clients: number): Promise<Session[]> {
  const out: Session[] = [];
  // One at a time, so which clients get refused does not depend on scheduling.
  for (let i = 0; i < clients; i++) out.push(await openSession(port));
  return out;
}

function closeAll(): void {
  for (const s of sessions.splice(0)) if (s.exitCode === null) s.stdin!.end();
}

before(async () => {
  assert.ok(which('pgbouncer') && which(`${PGBIN}/postgres`), 'PostgreSQL 15 and PgBouncer must be installed (Debian packages postgresql-15, pgbouncer); .ci/run installs them');
  dir = procs.tempDir('pgbouncer-capacity', true);
  pgPort = await freePort();
  const init = asPostgres(`${PGBIN}/initdb`, ['-D', join(dir, 'data'), '--auth-local=trust', '--auth-host=scram-sha-256', '-U', 'postgres']);
  assert.equal(init.status, 0, init.stderr);
  procs.start('runuser', ['-u', 'postgres', '--', `${PGBIN}/postgres`, '-D', join(dir, 'data'), '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1']);
  await waitForPort(pgPort);
  await waitFor(() => asPostgres('psql', ['-h', dir, '-p', String(pgPort), '-U', 'postgres', '-tAc', 'select 1']).stdout.trim() === '1', 'postgres accepting connections');
  for (const sql of [`create role app login password '${PASSWORD}'`, 'create database app owner app']) {
    const r = asPostgres('psql', ['-h', dir, '-p', String(pgPort), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
    assert.equal(r.status, 0, r.stderr);
  }
  writeFileSync(join(dir, 'userlist.txt'), `"app" "${PASSWORD}"\n`);
});

after(async () => {
  closeAll();
  await procs.stopAll();
});

test('the render refuses max_client_conn 20 at the edge; PgBouncer shows why: the surge pod of a rollout is refused "no more connections allowed"', async () => {
  // What the render accepted before it counted the surge: 2 pods x 1 worker x 10 = 20 = 1 x max_client_conn 20.
  assert.throws(
    () => render({ options: { values: EDGE, stringValues: ['postgresql.poolers[0].parameters.max_client_conn=20'] } }),
    /\(2 pods .* \+ 1 surge pod .*\) x 1 workers .* x 10 .* = 30 clients, but 1 pooler instances .* x max_client_conn 20 .* = 20\. Raise postgresql\.poolers\[0\]\.parameters\.max_client_conn to at least 30/,
  );
  // The same pooler with the value the render refuses (the rendered parameters, max_client_conn set back to 20).
  const pooler = render({ options: { values: EDGE, stringValues: ['postgresql.poolers[0].parameters.max_client_conn=30'] } }).find('Pooler', 'infra-postgresql-pooler');
  const params = { ...(get(pooler, 'spec.pgbouncer.parameters') as Record<string, string>), max_client_conn: '20' };
  const port = await startPgBouncer('refused', params, get(pooler, 'spec.pgbouncer.poolMode'));

  const steady = [...(await openPod(port, 10)), ...(await openPod(port, 10))];
  assert.ok(steady.every((s) => s.ok), `the two running pods' 20 clients connect: ${steady.map((s) => s.stderr).join('')}`);
  const surge = await openPod(port, 10);
  assert.ok(surge.every((s) => !s.ok), 'the surge pod gets none of its 10 clients');
  for (const s of surge) assert.match(s.stderr, /no more connections allowed/);
  closeAll();
});

test('with the budget the render accepts (max_client_conn 30), the rollout fits: both pods and the surge pod connect, one client more is refused', async () => {
  const r = render({ options: { values: EDGE, stringValues: ['postgresql.poolers[0].parameters.max_client_conn=30'] } });
  const pooler = r.find('Pooler', 'infra-postgresql-pooler');
  assert.equal(get(pooler, 'spec.instances'), 1);
  assert.equal(get(pooler, 'spec.pgbouncer.parameters.max_client_conn'), '30');
  const port = await startPgBouncer('accepted', get(pooler, 'spec.pgbouncer.parameters'), get(pooler, 'spec.pgbouncer.poolMode'));

  const rollout = [...(await openPod(port, 10)), ...(await openPod(port, 10)), ...(await openPod(port, 10))];
  assert.ok(rollout.every((s) => s.ok), `2 pods + the surge pod = 30 clients connect: ${rollout.map((s) => s.stderr).join('')}`);
  const beyond = await openSession(port);
  assert.equal(beyond.ok, false, 'the budget is exact: a 31st client is refused');
  assert.match(beyond.stderr, /no more connections allowed/);
  closeAll();
});
