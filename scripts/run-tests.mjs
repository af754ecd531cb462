#!/usr/bin/env node
// Runs every compiled test file under dist/test (or under the folders given) with Node's test runner.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (entry.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const roots = process.argv.slice(2).map((p) => p.replace(/^test\//, 'dist/test/').replace(/\.ts$/, '.js'));
const files = (roots.length ? roots : ['dist/test']).flatMap((r) =>
  statSync(r).isDirectory() ? collect(r, []) : [r],
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
