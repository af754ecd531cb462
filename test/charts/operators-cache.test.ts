import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { buildCache, emitterFingerprint, readCache } from '../../src/charts/inference-operators/manifest-cache.js';
import { loadLock } from '../../src/charts/inference-operators/manifests.js';
import { resolveChart } from '../../src/charts/index.js';
import type { K8sObject } from '../../src/core/object.js';
import { renderWithValues } from '../../src/render/render-core.js';
import { toYamlStream, toYamlStreamParts } from '../../src/render/yaml-output.js';
import { shippedInstallDir } from '../../src/validate/paths.js';

// The build-time cache of the upstream manifests may only make renders faster, never different.

const entry = loadLock().manifests.find((e) => e.project === 'gateway-api-inference-extension')!;
const objects = () => loadAll(readFileSync(join(shippedInstallDir(), entry.project, entry.file), 'utf8')).filter(Boolean) as K8sObject[];
const joined = (parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');

test('a printed render of the operators chart from the cache is byte-identical to one from the parsed manifests', () => {
  const chart = resolveChart('inference-operators');
  const render = (printOnly: boolean) => renderWithValues({ chart, release: 'operators', namespace: 'default', printOnly }, {}).objects.map(({ object, source }) => ({ object, source }));
  const printed = render(true);
  const full = render(false);
  assert.equal(joined(toYamlStreamParts(printed)), toYamlStream(full));
  const crd = full.find((o) => o.object.kind === 'CustomResourceDefinition')!.object as any;
  assert.ok(crd.spec.versions?.length, 'renders that apply or validate get whole CRDs');
});

test('a cache made by another emitter or from other bytes is never used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-cache-'));
  try {
    const { json, printJson, yaml } = buildCache(entry.sha256, objects());
    writeFileSync(join(dir, `${entry.sha256}.json`), json);
    writeFileSync(join(dir, `${entry.sha256}.print.json`), printJson);
    writeFileSync(join(dir, `${entry.sha256}.yaml`), yaml);
    const cached = readCache(entry.sha256, false, dir)!;
    assert.deepEqual(cached, objects());
    assert.equal(joined(toYamlStreamParts(cached.map((object) => ({ object })))), toYamlStream(objects().map((object) => ({ object }))), 'remembered bodies print as the emitter would');

    writeFileSync(join(dir, `${entry.sha256}.json`), json.replace(emitterFingerprint(), 'another-emitter'));
    assert.equal(readCache(entry.sha256, false, dir), undefined, 'another emitter');
    writeFileSync(join(dir, `${'0'.repeat(64)}.json`), json);
    writeFileSync(join(dir, `${'0'.repeat(64)}.yaml`), yaml);
    assert.equal(readCache('0'.repeat(64), false, dir), undefined, 'a cache whose content is of other bytes than its name');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a printed CRD's spec is a stand-in: what the chart reads, and a digest so equal stand-ins mean equal specs", () => {
  const { printJson } = buildCache(entry.sha256, objects());
  const printed = JSON.parse(printJson).objects as K8sObject[];
  const crds = printed.filter((o) => o.kind === 'CustomResourceDefinition');
  assert.ok(crds.length > 0);
  for (const crd of crds) {
    const spec = crd.spec as Record<string, unknown>;
    assert.deepEqual(Object.keys(spec).sort(), ['group', 'names', 'scope', 'specSha256']);
  }
  const other = buildCache(entry.sha256, objects().map((o) => (o.kind === 'CustomResourceDefinition' ? { ...o, spec: { ...(o.spec as object), preserveUnknownFields: false } } : o)));
  const otherCrds = (JSON.parse(other.printJson).objects as K8sObject[]).filter((o) => o.kind === 'CustomResourceDefinition');
  assert.notDeepEqual(otherCrds.map((c) => c.spec), crds.map((c) => c.spec));
});
