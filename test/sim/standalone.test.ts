import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, crc32 } from 'node:zlib';
import { parse } from 'yaml';
import { parseArgs } from '../../src/sim/standalone.js';
import { listZip, readZipEntry } from '../../src/sim/kubectl-binary.js';

const script = resolve(fileURLToPath(import.meta.url), '../../../src/sim/standalone.js');

test('argument parsing', () => {
  assert.deepEqual(parseArgs(['--port', '8080', '--kubeconfig=/tmp/k']), { port: 8080, kubeconfig: '/tmp/k', speed: 1, controllers: 'all', cpuNodes: 3, gpuNodes: 0 });
  assert.deepEqual(parseArgs(['--journal', '/tmp/j', '--gpu-nodes=2', '--cpu-nodes', '1']), { port: 0, speed: 1, controllers: 'all', journal: '/tmp/j', cpuNodes: 1, gpuNodes: 2 });
  assert.throws(() => parseArgs(['--gpu-nodes', '-1']), /--gpu-nodes must be an integer from 0 to 100/);
  assert.equal(parseArgs(['--help']), 'help');
  assert.throws(() => parseArgs(['--port', 'x']), /--port must be an integer/);
  assert.throws(() => parseArgs(['--bogus']), /unknown argument: --bogus/);
});

test('standalone: prints the URL, writes a kubeconfig, serves, stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-standalone-'));
  const kc = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [script, '--port', '0', '--kubeconfig', kc], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) res(out.split('\n')[0]);
      });
      child.on('exit', (code) => rej(new Error(`exited early with ${code}`)));
    });
    const m = /^k8s-sim listening on (http:\/\/127\.0\.0\.1:(\d+)) \(kubeconfig: (.+)\)$/.exec(line);
    assert.ok(m, line);
    assert.equal(m[3], kc);
    const cfg = parse(readFileSync(kc, 'utf8'));
    assert.equal(cfg.clusters[0].cluster.server, m[1]);
    assert.equal(cfg['current-context'], 'k8s-sim');
    const v = await fetch(`${m[1]}/version`);
    assert.equal(((await v.json()) as any).gitVersion, 'v1.35.0');
    const code = await new Promise<number | null>((res) => {
      child.on('exit', (c) => res(c));
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('standalone --help and bad arguments', () => {
  const help = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: k8s-sim/);
  const bad = spawnSync(process.execPath, [script, '--nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown argument: --nope/);
});

test('the zip reader extracts stored and deflated entries and checks CRCs', () => {
  const entries = [
    { name: 'a.txt', data: Buffer.from('hello hello hello hello'), method: 8 },
    { name: 'dir/b.bin', data: Buffer.from([1, 2, 3, 4]), method: 0 },
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const crc = crc32(e.data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(e.method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(e.method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += lh.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, cd, eocd]);
  const listed = listZip(zip);
  assert.deepEqual(
    listed.map((e) => e.name),
    ['a.txt', 'dir/b.bin'],
  );
  assert.equal(readZipEntry(zip, listed[0]).toString(), 'hello hello hello hello');
  assert.deepEqual([...readZipEntry(zip, listed[1])], [1, 2, 3, 4]);
  const corrupt = Buffer.from(zip);
  corrupt[30 + 5] ^= 0xff;
  assert.throws(() => readZipEntry(corrupt, listZip(corrupt)[0]));
});
