import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH_PY } from '../../src/charts/inference-infrastructure/scripts.js';
import { container, envOf, get, render } from '../helpers/render.js';
import { freePort, Processes, run, waitFor, waitForPort, which } from '../helpers/procs.js';

/**
 * The LiteLLM launcher (rendered into ConfigMap <release>-litellm-proxy-scripts) against a real
 * PostgreSQL 15 and a real PgBouncer in transaction mode, with a password full of characters that
 * break an un-encoded DATABASE_URL. PostgreSQL and PgBouncer refuse to run as root, so they run as
 * the Debian "postgres" user.
 */
const procs = new Processes();
const PASSWORD = `p@ss:w/rd?#[]+ %&'"x`;
const PGBIN = '/usr/lib/postgresql/15/bin';
let pgPort = 0;
let bouncerPort = 0;
let dir = '';
let launch = '';
let proxyEnv: Record<string, string> = {};

function asPostgres(cmd: string, args: string[], options: Parameters<typeof run>[2] = {}) {
  return run('runuser', ['-u', 'postgres', '--', cmd, ...args], options);
}

before(async () => {
  assert.ok(which('pgbouncer') && which(`${PGBIN}/postgres`), 'PostgreSQL 15 and PgBouncer must be installed (Debian packages postgresql-15, pgbouncer); .ci/run installs them');
  dir = procs.tempDir('pg', true);
  pgPort = await freePort();
  bouncerPort = await freePort();
  const init = asPostgres(`${PGBIN}/initdb`, ['-D', join(dir, 'data'), '--auth-local=trust', '--auth-host=scram-sha-256', '-U', 'postgres']);
  assert.equal(init.status, 0, init.stderr);
  procs.start('runuser', ['-u', 'postgres', '--', `${PGBIN}/postgres`, '-D', join(dir, 'data'), '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1']);
  await waitForPort(pgPort);
  await waitFor(() => asPostgres('psql', ['-h', dir, '-p', String(pgPort), '-U', 'postgres', '-tAc', 'select 1']).stdout.trim() === '1', 'postgres accepting connections');
  const sql = `create role app login password '${PASSWORD.replace(/'/g, "''")}'; create database app owner app;`;
  const created = asPostgres('psql', ['-h', dir, '-p', String(pgPort), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql.split(';')[0], '-c', sql.split(';')[1]]);
  assert.equal(created.status, 0, created.stderr);

  const rendered = render();
  const pooler = rendered.find('Pooler', 'infra-postgresql-pooler');
  const params = get(pooler, 'spec.pgbouncer.parameters') as Record<string, string>;
  // PgBouncer 1.18 (bookworm) predates max_prepared_statements (1.21); CNPG's pooler image is 1.25.
  const supported = Object.entries(params).filter(([k]) => k !== 'max_prepared_statements');
  writeFileSync(join(dir, 'userlist.txt'), `"app" "${PASSWORD.replace(/"/g, '""')}"\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${pgPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${bouncerPort}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${get(pooler, 'spec.pgbouncer.poolMode')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'ignore_startup_parameters = extra_float_digits,options',
      ...supported.map(([k, v]) => `${k} = ${v}`),
      '',
    ].join('\n'),
  );
  run('chown', ['-R', 'postgres', dir]);
  procs.start('runuser', ['-u', 'postgres', '--', 'pgbouncer', join(dir, 'pgbouncer.ini')]);
  await waitForPort(bouncerPort);

  launch = join(dir, 'launch.py');
  writeFileSync(launch, LAUNCH_PY);
  proxyEnv = Object.fromEntries(
    Object.entries(envOf(container(rendered.find('Deployment', 'infra-litellm-proxy'), 'litellm'))).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
});

after(() => procs.stopAll());

/** The rendered env with cluster names replaced by this machine's addresses. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  assert.equal(proxyEnv.PGHOST, 'infra-postgresql-pooler-rw');
  assert.equal(proxyEnv.PGDIRECTHOST, 'infra-postgresql-rw');
  return {
    PATH: process.env.PATH,
    ...proxyEnv,
    PGHOST: '127.0.0.1',
    PGPORT: String(bouncerPort),
    PGDIRECTHOST: '127.0.0.1',
    PGDIRECTPORT: String(pgPort),
    PGPASSWORD: PASSWORD,
    ...extra,
  };
}

const query = 'psql "$DATABASE_URL" -tAc "select current_user || \',\' || current_database() || \',\' || current_setting(\'port\')"';

test('the proxy URL goes through PgBouncer and authenticates with a password full of URL metacharacters', () => {
  const before = readFileSync(join(dir, 'pgbouncer.log'), 'utf8').length;
  const r = run('python3', [launch, '--', 'sh', '-c', query], { env: env() });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `app,app,${pgPort}`);
  assert.match(readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(before), /login attempt: db=app user=app/, 'the connection went through the pooler');
  assert.ok(!r.stderr.includes(PASSWORD), 'the launcher never prints the password');
});

test('migration mode connects straight to PostgreSQL (no transaction pooling) after waiting for it', () => {
  const before = readFileSync(join(dir, 'pgbouncer.log'), 'utf8').length;
  const r = run('python3', [launch, '--migrate', '--wait', '10', '--', 'sh', '-c', `${query}; echo "$DIRECT_URL" | grep -c "127.0.0.1:${pgPort}"`], { env: env() });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [`app,app,${pgPort}`, '1']);
  assert.doesNotMatch(readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(before), /login attempt/);
  assert.match(r.stderr, /database 127\.0\.0\.1:\d+ answers/);
});

test('pgbouncer=true is added only when asked for', () => {
  const show = ['-c', 'import os; print(os.environ["DATABASE_URL"])'];
  const off = run('python3', [launch, '--', 'python3', ...show], { env: env() });
  assert.doesNotMatch(off.stdout, /pgbouncer=true/);
  const on = run('python3', [launch, '--', 'python3', ...show], { env: env({ PGBOUNCER: 'true' }) });
  assert.match(on.stdout, /\?pgbouncer=true$/m);
  assert.match(on.stdout, /^postgresql:\/\/app:p%40ss%3Aw%2Frd%3F%23%5B%5D%2B%20%25%26%27%22x@127\.0\.0\.1:\d+\/app/);
});

test('waiting for an absent database gives up with exit 75 and a clear message', () => {
  const r = run('python3', [launch, '--migrate', '--wait', '2', '--', 'true'], { env: env({ PGDIRECTPORT: '1' }) });
  assert.equal(r.status, 75);
  assert.match(r.stderr, /gave up waiting for 127\.0\.0\.1:1 after 2s/);
  assert.ok(!r.stderr.includes(PASSWORD));
});
