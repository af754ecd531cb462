import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { resolveChart } from '../../src/charts/index.js';
import { showChart, showSchema, showValues } from '../../src/actions/show.js';
import { defaultsOf } from '../../src/schema/dsl.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/inferctl.js');

function inferctl(args: string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', input });
}

/** A user-facing failure: non-zero exit, "Error: " and one paragraph, never a stack trace. */
function assertUserError(r: ReturnType<typeof inferctl>, pattern: RegExp) {
  assert.notEqual(r.status, 0, 'exits non-zero');
  assert.equal(r.stdout, '', 'nothing on stdout');
  assert.match(r.stderr, /^Error: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(r.stderr, /unexpected failure/);
}

test('--version and --help', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(inferctl(['--version']).stdout.trim(), `inferctl ${pkg.version}`);
  const help = inferctl(['--help']);
  assert.equal(help.status, 0);
  for (const cmd of ['template', 'lint', 'show values', 'show schema']) assert.match(help.stdout, new RegExp(`\\n  ${cmd}\\s`));
  for (const cmd of [['template'], ['lint'], ['show', 'values'], ['show', 'schema']]) {
    const r = inferctl([...cmd, '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage:\n  inferctl /);
  }
});

test('commands that group others (show, get) list them; help shows each flag\'s default', () => {
  for (const [group, members] of [['show', ['values', 'schema', 'chart']], ['get', ['values', 'manifest']]] as const) {
    for (const args of [[group, '--help'], [group]]) {
      const r = inferctl(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage:\\n  inferctl ${group} COMMAND`));
      for (const m of members) assert.match(r.stdout, new RegExp(`\\n  ${m}\\s`), `${args.join(' ')} lists ${m}`);
    }
  }
  const help = inferctl(['upgrade', '--help']).stdout;
  assert.match(help, /--timeout DURATION\s+How long to wait in total, e\.g\. 900s, 15m, 1h \(default 15m\)/);
  assert.match(help, /-n, --namespace NS\s+Namespace of the release \(default "default"\)/);
  assert.match(help, /--wait\s+.*\(default true\)/);
  for (const flag of ['--reuse-values', '--reset-then-reuse-values', '--reset-values', '--install', '-o, --output FORMAT']) assert.ok(help.includes(flag), flag);
  assert.match(inferctl(['diff', '--help']).stdout, /--detailed-exitcode\s+Exit 2 when there are changes/);
  assert.match(inferctl(['--help']).stdout, /Global flags:\n  --debug /);
  for (const cmd of ['history', 'get values', 'get manifest']) assert.match(inferctl(['--help']).stdout, new RegExp(`\\n  ${cmd}\\s`));
});

test('template prints every object as one YAML stream, and the bare chart name works too', () => {
  const byPath = inferctl(['template', 'infra', './charts/inference-infrastructure']);
  assert.equal(byPath.status, 0, byPath.stderr);
  const docs = parseAllDocuments(byPath.stdout).map((d) => d.toJS());
  assert.ok(docs.length > 20);
  assert.ok(docs.every((d) => d.apiVersion && d.kind && d.metadata?.name));
  const byName = inferctl(['template', 'infra', 'inference-infrastructure']);
  assert.equal(byName.stdout, byPath.stdout);
  const again = inferctl(['template', 'infra', './charts/inference-infrastructure']);
  assert.equal(again.stdout, byPath.stdout, 'byte-identical');
});

test('template -n sets the namespace of namespaced objects; -f - reads values from stdin', () => {
  const r = inferctl(['template', 'infra', 'inference-infrastructure', '-n', 'llm', '-f', '-'], 'valkey:\n  enabled: false\nlitellm-proxy:\n  cache:\n    enabled: false\n');
  assert.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  assert.ok(!docs.some((d) => d.metadata.name.includes('valkey') && d.kind !== 'ConfigMap'));
  const deploy = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'infra-litellm-proxy');
  assert.equal(deploy.metadata.namespace, 'llm');
});

test('template --output-dir writes one file per object and removes files of an earlier render', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-out-'));
  try {
    writeFileSync(join(dir, '999-stale-object.yaml'), 'stale');
    writeFileSync(join(dir, 'kustomization.yaml'), 'keep me');
    const r = inferctl(['template', 'infra', 'inference-infrastructure', '--output-dir', dir]);
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(dir).sort();
    assert.ok(!files.includes('999-stale-object.yaml'));
    assert.ok(files.includes('kustomization.yaml'));
    const objects = files.filter((f) => /^\d{3}-/.test(f));
    const stream = parseAllDocuments(inferctl(['template', 'infra', 'inference-infrastructure']).stdout);
    assert.equal(objects.length, stream.length);
    assert.ok(objects.some((f) => f.endsWith('-deployment-infra-litellm-proxy.yaml')));
    assert.equal(parse(readFileSync(join(dir, objects[0]), 'utf8')).kind, stream[0].toJS().kind, 'files keep apply order');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad values files give one paragraph naming the file, line and fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-bad-'));
  try {
    const malformed = join(dir, 'malformed.yaml');
    writeFileSync(malformed, 'postgresql:\n  cluster:\n    instances: 3\n   storage: {size: 1Gi\n');
    assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '-f', malformed]), new RegExp(`${malformed.replace(/[.]/g, '\\.')}.*line \\d+`));
    const wrongType = join(dir, 'wrong-type.yaml');
    writeFileSync(wrongType, 'postgresql:\n  cluster:\n    instances: three\n');
    assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '-f', wrongType]), /key postgresql\.cluster\.instances \(from values file .*wrong-type\.yaml\) expected an integer, got the string "three"/);
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'litellm-proxy:\n  cache:\n    sentinal:\n      enabled: true\n');
    assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '-f', unknown]), /key litellm-proxy\.cache\.sentinal .*is not a known key; did you mean "sentinel"\?/);
    assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '-f', join(dir, 'missing.yaml')]), /missing\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad --set strings, flags, charts and release names give one-paragraph errors', () => {
  assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '--set', 'postgresql.poolers[x].instances=1']), /--set/);
  assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '--set', 'valkey.enabled=maybe']), /key valkey\.enabled \(from --set valkey\.enabled=maybe\) expected true or false/);
  assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '--set', 'postgresql.cluster.storage.size=50']), /expected a string, got number 50 \(quote it in YAML, or use --set-string\)/);
  assertUserError(inferctl(['template', 'infra', 'inference-infrastructure', '--sett', 'a=1']), /unknown flag --sett; did you mean --set\?/);
  assertUserError(inferctl(['template', 'infra', 'inference-infrastructre']), /unknown chart "inference-infrastructre"; did you mean inference-infrastructure\?/);
  assertUserError(inferctl(['template', 'Infra_1', 'inference-infrastructure']), /invalid release name "Infra_1"/);
  assertUserError(inferctl(['template', 'infra']), /missing CHART/);
  assertUserError(inferctl(['templat', 'infra']), /unknown command "templat infra"/);
});

test('show values prints every default as documented YAML; show schema is a JSON Schema', () => {
  const chart = resolveChart('inference-infrastructure');
  const values = inferctl(['show', 'values', './charts/inference-infrastructure']);
  assert.equal(values.status, 0);
  assert.deepEqual(parse(values.stdout), defaultsOf(chart.values));
  assert.match(values.stdout, /# Number of PostgreSQL instances/);
  const schema = JSON.parse(inferctl(['show', 'schema', 'inference-infrastructure']).stdout);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.properties.postgresql.properties.cluster.properties.instances.default, 3);
  assert.equal(schema.properties['litellm-proxy'].additionalProperties, false);
});

test('the chart directory files are generated from the schema and in sync (npm run build && node scripts/gen-chart-files.mjs)', () => {
  const chart = resolveChart('inference-infrastructure');
  const dir = join(ROOT, 'charts/inference-infrastructure');
  assert.equal(readFileSync(join(dir, 'values.yaml'), 'utf8'), showValues(chart));
  assert.equal(readFileSync(join(dir, 'values.schema.json'), 'utf8'), showSchema(chart));
  assert.equal(readFileSync(join(dir, 'Chart.yaml'), 'utf8'), showChart(chart));
});

test('lint passes for all three charts, and fails (exit 1) on a render the API server would reject', () => {
  const operators = inferctl(['lint', 'operators', './charts/inference-operators']);
  assert.equal(operators.status, 0, operators.stdout + operators.stderr);
  assert.match(operators.stdout, /191 objects validated: no errors, 2 exempted pod-security findings/);
  assert.equal(inferctl(['lint', 'infra', './charts/inference-infrastructure']).status, 0);
  const stack = inferctl(['lint', 'stack', './charts/inference-stack', '--set-json', 'models=[{"name":"qwen","runtime":"vllm","storageUri":"hf://Qwen/Qwen2.5-0.5B-Instruct","gpus":1}]']);
  assert.equal(stack.status, 0, stack.stdout + stack.stderr);
  const bad = inferctl(['lint', 'infra', 'inference-infrastructure', '--set-string', 'networking-layer.envoyGateway.hostname=Not_A_Host!']);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /Gateway default\/infra-gateway.*\n.*spec\.listeners\[0\]\.hostname/);
});
