import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainProgress, TreeProgress } from '../../src/apply/progress.js';

test('plain progress: one line per state change, repeated waits collapsed', () => {
  const lines: string[] = [];
  const p = new PlainProgress((l) => lines.push(l));
  p.emit({ type: 'group-start', group: 'postgresql', description: 'CNPG Cluster' });
  p.emit({ type: 'applied', group: 'postgresql', object: 'Cluster llm/infra-postgresql', action: 'created' });
  for (let i = 0; i < 5; i++) p.emit({ type: 'waiting', group: 'postgresql', object: 'Cluster llm/infra-postgresql', message: 'Setting up primary' });
  p.emit({ type: 'waiting', group: 'postgresql', object: 'Cluster llm/infra-postgresql', message: 'Creating a new replica' });
  p.emit({ type: 'ready', group: 'postgresql', object: 'Cluster llm/infra-postgresql', elapsedMs: 61_000 });
  p.emit({ type: 'group-done', group: 'postgresql', elapsedMs: 62_000 });
  assert.deepEqual(lines, [
    '==> postgresql: CNPG Cluster',
    '    Cluster llm/infra-postgresql created',
    '    Cluster llm/infra-postgresql: Setting up primary',
    '    Cluster llm/infra-postgresql: Creating a new replica',
    '    Cluster llm/infra-postgresql ready (61.0s)',
    '<== postgresql ready (62.0s)',
  ]);
});

test('tree progress: groups with their objects and elapsed time, redrawn in place', () => {
  let out = '';
  const stream = { columns: 100, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const p = new TreeProgress(stream);
  p.emit({ type: 'group-start', group: 'valkey', description: 'Valkey' });
  p.emit({ type: 'applied', group: 'valkey', object: 'Deployment llm/infra-valkey-primary', action: 'created' });
  p.emit({ type: 'waiting', group: 'valkey', object: 'Deployment llm/infra-valkey-primary', message: '0 of 1 replicas ready' });
  p.emit({ type: 'group-start', group: 'gateway', description: 'Gateway' });
  p.emit({ type: 'group-done', group: 'gateway', elapsedMs: 10 });
  p.close();
  assert.match(out, /… valkey \d+s\n   · Deployment llm\/infra-valkey-primary \d+s  0 of 1 replicas ready\n✔ gateway \d+s/);
  // What the command prints after close (its summary, an error) is never drawn over.
  out = '';
  p.emit({ type: 'ready', group: 'valkey', object: 'Deployment llm/infra-valkey-primary', elapsedMs: 5 });
  p.close();
  assert.equal(out, '', 'nothing is written after close, so the lines after it stay');
});

test('tree progress: a new frame erases the previous one in place', async () => {
  let out = '';
  const stream = { columns: 100, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const p = new TreeProgress(stream);
  p.emit({ type: 'group-start', group: 'valkey', description: 'Valkey' });
  p.emit({ type: 'group-start', group: 'gateway', description: 'Gateway' });
  p.emit({ type: 'group-done', group: 'gateway', elapsedMs: 10 });
  await new Promise((r) => setTimeout(r, 300));
  p.emit({ type: 'group-done', group: 'valkey', elapsedMs: 5 });
  out = '';
  p.close();
  assert.match(out, /^\x1b\[2A\x1b\[0J✔ valkey \d+s\n✔ gateway \d+s\n$/, 'the previous frame is erased and redrawn');
});
