import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { showChart, showSchema, showValues } from '../../src/actions/show.js';
import { resolveChart } from '../../src/charts/index.js';
import { loadLock, MANIFESTS_DIR_ENV, searchDirs } from '../../src/charts/inference-operators/manifests.js';
import { VERSIONS } from '../../src/charts/inference-operators/versions.js';
import { repoRoot, shippedInstallDir } from '../../src/validate/paths.js';
import { ALL_OFF, renderOperators, UPSTREAM_INSTALL } from './operators-helpers.js';

const GIE = { project: 'gateway-api-inference-extension', file: 'manifests-v1.6.0.yaml' };
/** Only the GIE component (36 KB): keeps file-handling tests fast. */
const ONLY_GIE = ALL_OFF.filter((s) => !s.startsWith('gateway-api-inference-extension.'));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'inferctl-operators-'));
}

function placeGie(dir: string, transform?: (text: string) => string): string {
  const target = join(dir, GIE.project, GIE.file);
  mkdirSync(join(dir, GIE.project), { recursive: true });
  if (transform) writeFileSync(target, transform(readFileSync(join(UPSTREAM_INSTALL, GIE.project, GIE.file), 'utf8')));
  else copyFileSync(join(UPSTREAM_INSTALL, GIE.project, GIE.file), target);
  return target;
}

/** Runs fn with the search environment pointed at controlled directories, restoring it afterwards. */
function withEnv(env: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

test('the lock matches the shipped upstream files byte for byte (sha256 and size) and pins the versions of versions.ts', () => {
  const versionOf: Record<string, string> = {
    'cert-manager': VERSIONS.certManager,
    cnpg: VERSIONS.cnpg,
    'gateway-api': VERSIONS.gatewayApi,
    'envoy-gateway': VERSIONS.envoyGateway,
    'knative-operator': VERSIONS.knativeOperator,
    kserve: VERSIONS.kserve,
    'gateway-api-inference-extension': VERSIONS.gatewayApiInferenceExtension,
    'envoy-ai-gateway': VERSIONS.envoyAiGateway,
    keda: VERSIONS.keda,
  };
  const lock = loadLock();
  assert.equal(lock.manifests.length, 13);
  for (const e of lock.manifests) {
    const bytes = readFileSync(join(UPSTREAM_INSTALL, e.project, e.file));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, `${e.project}/${e.file}`);
    assert.equal(bytes.length, e.size);
    assert.equal(e.version, versionOf[e.project], `${e.project} version`);
    // A GitHub release asset, or the OCI chart a helm-template rebuild came from.
    assert.match(e.url, /^(https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\/[^/]+\/[^/]+\.yaml|oci:\/\/[^\s]+:v?[0-9.]+)$/, e.url);
    if (e.url.startsWith('oci://')) assert.equal(e.origin, 'local-rebuild');
    assert.ok(e.url.includes(e.version), `${e.url} is the ${e.version} release`);
    assert.ok(['upstream-copy', 'local-rebuild'].includes(e.origin));
  }
  const gatewayApi = lock.manifests.find((e) => e.project === 'gateway-api')!;
  assert.match(gatewayApi.file, /^experimental-/, 'one Gateway API channel: experimental, as Envoy Gateway v1.9 expects');
});

test('a tampered copy is refused with the file, the expected and the actual digest', () => {
  const dir = tempDir();
  try {
    const path = placeGie(dir, (t) => t.replace('inferencepools.inference.networking.k8s.io', 'inferencepools.inference.networking.k8s.io '));
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    const expected = loadLock().manifests.find((e) => e.file === GIE.file)!.sha256;
    assert.throws(
      () => renderOperators(ONLY_GIE, dir),
      (err: Error) => err.name === 'UserError' && err.message.includes(path) && err.message.includes(`expected ${expected}`) && err.message.includes(`actual ${actual}`) && err.message.includes('drop --manifests-dir to use the pinned copy shipped with inferctl'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file in --manifests-dir fails the render naming every file, where it looked and the fix', () => {
  const empty = tempDir();
  try {
    withEnv({ [MANIFESTS_DIR_ENV]: undefined }, () => {
      assert.throws(
        () => renderOperators(ONLY_GIE, join(empty, 'given')),
        (err: Error) =>
          err.name === 'UserError' &&
          err.message.includes(`${GIE.project}/${GIE.file}`) &&
          err.message.includes('https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/v1.6.0/manifests.yaml') &&
          err.message.includes(`--manifests-dir ${join(empty, 'given')}`) &&
          err.message.includes('drop --manifests-dir') &&
          !err.message.includes('\n'),
      );
      // Every missing file is named at once, not one per attempt.
      assert.throws(() => renderOperators([], join(empty, 'given')), (err: Error) => /cnpg\/cnpg-1\.30\.0\.yaml.*kserve\/kserve-crds-v0\.20\.0\.yaml/.test(err.message));
    });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('resolution: --manifests-dir, else $INFERCTL_MANIFESTS_DIR, else the copies shipped in the package; never a mix', () => {
  const root = tempDir();
  const [flag, env] = ['flag', 'env'].map((d) => join(root, d));
  const bad = (t: string) => `${t}\n# tampered\n`;
  try {
    withEnv({ [MANIFESTS_DIR_ENV]: undefined }, () => {
      assert.deepEqual(searchDirs({}).map((d) => d.dir), [shippedInstallDir()]);
      assert.equal(renderOperators(ONLY_GIE, null).objects.length, 2, 'the shipped copy, with no flag and no download');
    });
    withEnv({ [MANIFESTS_DIR_ENV]: env }, () => {
      assert.deepEqual(searchDirs({ manifestsDir: flag }).map((d) => d.dir), [flag, env]);
      placeGie(env, bad);
      assert.throws(() => renderOperators(ONLY_GIE, null), (err: Error) => err.message.includes(join(env, GIE.project)), '$INFERCTL_MANIFESTS_DIR replaces the shipped copies');
      placeGie(flag);
      assert.equal(renderOperators(ONLY_GIE, flag).objects.length, 2, '--manifests-dir wins');
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('show chart lists every pinned version; the chart directory files are generated and in sync', () => {
  const chart = resolveChart('./charts/inference-operators', repoRoot());
  const info = showChart(chart);
  for (const v of ['v1.17.0', '1.30.0', 'v1.6.1 (experimental)', 'v1.9.0', '1.23.0', 'v0.20.0', 'v1.6.0']) assert.ok(info.includes(v), v);
  const dir = join(repoRoot(), 'charts', 'inference-operators');
  assert.equal(readFileSync(join(dir, 'Chart.yaml'), 'utf8'), info);
  assert.equal(readFileSync(join(dir, 'values.yaml'), 'utf8'), showValues(chart));
  assert.equal(readFileSync(join(dir, 'values.schema.json'), 'utf8'), showSchema(chart));
  assert.ok(statSync(join(dir, 'manifests.lock.json')).size > 0);
});
