#!/usr/bin/env node
// Times whole processes, as a user runs them: bare `node -e 0`, `inferctl template` of the three
// charts (the stack with 200 models), and `helm template` of an equivalent Helm chart of the
// infrastructure (scripts/bench/make-helm-chart.mjs, checked equal to inferctl's render first).
// Every round runs every command once, in turn, so the machine's drift hits all of them alike; the
// results are medians of per-round differences (overhead over bare Node) and ratios (inferctl/helm),
// for wall time and for CPU time (user+sys, from /usr/bin/time), which load disturbs less.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkChart, HELM_CHART, writeChart } from './bench/make-helm-chart.mjs';
import { helmPath } from '../dist/src/sim/kubectl-binary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 20);
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

writeChart();
checkChart();
const helm = helmPath();
const helmEnv = { ...process.env, HELM_CACHE_HOME: '/tmp/helm-cache', HELM_CONFIG_HOME: '/tmp/helm-config', HELM_DATA_HOME: '/tmp/helm-data' };

const node = process.execPath;
const cases = {
  bare: { label: 'node -e 0', cmd: [node, '-e', '0'] },
  infra: { label: 'inferctl template infra ./charts/inference-infrastructure', cmd: [node, 'bin/inferctl.js', 'template', 'infra', './charts/inference-infrastructure'] },
  helm: { label: 'helm template infra (equivalent chart)', cmd: [helm, 'template', 'infra', HELM_CHART], env: helmEnv },
  operators: { label: 'inferctl template operators ./charts/inference-operators', cmd: [node, 'bin/inferctl.js', 'template', 'operators', './charts/inference-operators'] },
  stack: { label: 'inferctl template stack -f scripts/bench/models-200.yaml', cmd: [node, 'bin/inferctl.js', 'template', 'stack', './charts/inference-stack', '-f', 'scripts/bench/models-200.yaml'] },
  version: { label: 'inferctl --version', cmd: [node, 'bin/inferctl.js', '--version'] },
};
// BENCH_BASELINE=<another checkout, built>: its three templates join every round, for before/after.
const baseline = process.env.BENCH_BASELINE;
if (baseline) {
  for (const n of ['infra', 'operators', 'stack']) {
    const args = cases[n].cmd.slice(1).map((a) => (a === 'scripts/bench/models-200.yaml' ? `${root}/scripts/bench/models-200.yaml` : a));
    cases[`${n}@baseline`] = { label: `${cases[n].label} (baseline)`, cmd: [node, ...args], cwd: baseline };
  }
}

function run1({ cmd, env, cwd }) {
  const argv = hasTime ? [TIME, ['-f', '%U %S', ...cmd]] : [cmd[0], cmd.slice(1)];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { cwd: cwd ?? root, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = hasTime ? String(r.stderr).trim().split('\n').pop().split(' ').reduce((s, x) => s + Number(x) * 1000, 0) : NaN;
  return { wall, cpu };
}

const names = Object.keys(cases);
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = -3; round < runs; round++) {
  // Rotate the order so no command always runs right after another.
  const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
  const got = Object.fromEntries(order.map((n) => [n, run1(cases[n])]));
  if (round >= 0) for (const n of names) samples[n].push(got[n]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
const fmt = (x) => (Number.isNaN(x) ? '    n/a' : x.toFixed(1).padStart(7));
const pairs = (a, b, f) => samples[a].map((s, i) => f(s, samples[b][i]));

console.log(`${'command'.padEnd(60)} ${'wall'.padStart(7)} ${'cpu'.padStart(7)}  (median ms of ${runs} rounds)`);
for (const n of names) console.log(`${cases[n].label.padEnd(60)} ${fmt(median(samples[n].map((s) => s.wall)))} ${fmt(median(samples[n].map((s) => s.cpu)))}`);

const targets = [
  ['operators', 'bare', 400, 'within 400 ms of bare Node'],
  ['stack', 'bare', 150, 'within 150 ms of bare Node'],
  ['infra', 'bare', undefined, ''],
];
console.log('\nover bare Node (median of per-round differences; p25-p75):');
for (const [n, ref, target, text] of targets) {
  const wall = pairs(n, ref, (a, b) => a.wall - b.wall);
  const cpu = pairs(n, ref, (a, b) => a.cpu - b.cpu);
  const verdict = target === undefined ? '' : `  target ${text}: ${median(wall) <= target ? 'met' : 'NOT MET'} (wall)`;
  console.log(`  ${n.padEnd(10)} wall ${fmt(median(wall))} (${q(wall, 0.25).toFixed(0)}-${q(wall, 0.75).toFixed(0)})  cpu ${fmt(median(cpu))}${verdict}`);
}
if (baseline) {
  console.log(`\nagainst the baseline ${baseline} (median of per-round differences, after - before):`);
  for (const n of ['infra', 'operators', 'stack']) {
    const wall = pairs(n, `${n}@baseline`, (a, b) => a.wall - b.wall);
    const ratio = median(pairs(n, `${n}@baseline`, (a, b) => a.wall / b.wall));
    console.log(`  ${n.padEnd(10)} wall ${fmt(median(wall))}  (after/before ${ratio.toFixed(2)})  baseline over bare Node ${fmt(median(pairs(`${n}@baseline`, 'bare', (a, b) => a.wall - b.wall)))}`);
  }
}
const wallRatio = median(pairs('infra', 'helm', (a, b) => a.wall / b.wall));
const cpuRatio = median(pairs('infra', 'helm', (a, b) => a.cpu / b.cpu));
const bareRatio = median(pairs('bare', 'helm', (a, b) => a.wall / b.wall));
console.log(`\ninferctl template infra / helm template of the equivalent chart: wall ${wallRatio.toFixed(2)}, cpu ${cpuRatio.toFixed(2)} (target <= 0.80: ${wallRatio <= 0.8 ? 'met' : 'NOT MET'}); bare node -e 0 / helm: wall ${bareRatio.toFixed(2)}`);
