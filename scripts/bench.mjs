#!/usr/bin/env node
// Times `inferctl template` of the default infrastructure as a whole process, beside bare `node -e 0`.
// Target: the median of template at most 40 ms above the median of bare Node startup.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);

function time1(args) {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function time(args) {
  const samples = [];
  for (let i = 0; i < runs + 3; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    if (i >= 3) samples.push(ms); // the first runs warm the file cache
  }
  samples.sort((a, b) => a - b);
  const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  return { median: pct(50), p90: pct(90), min: samples[0] };
}

const cases = [
  ['node -e 0', ['-e', '0']],
  ['inferctl template infra ./charts/inference-infrastructure', ['bin/inferctl.js', 'template', 'infra', './charts/inference-infrastructure']],
  ['inferctl --version', ['bin/inferctl.js', '--version']],
];
const results = cases.map(([name, args]) => ({ name, ...time(args) }));
// This machine's speed drifts from run to run: interleave bare and template runs and take the
// median of the paired differences, which cancels most of the drift.
const paired = [];
for (let i = 0; i < runs; i++) {
  const [a, b] = [time1(cases[0][1]), time1(cases[1][1])];
  paired.push(b - a);
}
paired.sort((x, y) => x - y);
const fmt = (n) => n.toFixed(1).padStart(7);
console.log(`${'command'.padEnd(60)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'p90'.padStart(7)}  (ms, ${runs} runs)`);
for (const r of results) console.log(`${r.name.padEnd(60)} ${fmt(r.min)} ${fmt(r.median)} ${fmt(r.p90)}`);
const overhead = paired[Math.floor(paired.length / 2)];
console.log(`\ntemplate overhead over bare node (median of ${runs} interleaved pairs): ${overhead.toFixed(1)} ms; p25 ${paired[Math.floor(paired.length / 4)].toFixed(1)} ms (target <= 40 ms): ${overhead <= 40 ? 'PASS' : 'OVER TARGET'}`);
