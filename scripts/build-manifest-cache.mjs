#!/usr/bin/env node
// Parses the pinned upstream manifests shipped in upstream/install once, at build time, into
// dist/manifest-cache (see src/charts/inference-operators/manifest-cache.ts). Every file must match
// the lock's sha256; the render uses a cache only if it was made from the locked bytes by this emitter.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { buildCache, cacheDir } from '../dist/src/charts/inference-operators/manifest-cache.js';
import { loadLock, sha256 } from '../dist/src/charts/inference-operators/manifests.js';
import { shippedInstallDir } from '../dist/src/validate/paths.js';

const dir = cacheDir();
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const entry of loadLock().manifests) {
  const path = join(shippedInstallDir(), entry.project, entry.file);
  const bytes = readFileSync(path);
  const digest = sha256(bytes);
  if (digest !== entry.sha256) throw new Error(`${path} does not match the lock (sha256 ${digest}, lock ${entry.sha256})`);
  const objects = loadAll(bytes.toString('utf8')).filter((doc) => doc !== null && doc !== undefined);
  const { json, printJson, yaml } = buildCache(digest, objects);
  writeFileSync(join(dir, `${digest}.json`), json);
  writeFileSync(join(dir, `${digest}.print.json`), printJson);
  writeFileSync(join(dir, `${digest}.yaml`), yaml);
}
