import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json, found by walking up from this module (works from src/, dist/src/ and dist/bundle/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Third-party data shipped in the package: pinned upstream manifests and CRDs (upstream/SOURCES.md). */
export function shippedUpstreamDir(): string {
  return join(repoRoot(), 'upstream');
}

/** The pinned install manifests the operators chart renders: <project>/<file>. */
export function shippedInstallDir(): string {
  return join(shippedUpstreamDir(), 'install');
}

/** CRDs that no shipped install manifest carries (Knative Serving's, Prometheus Operator's, llm-d's). */
export function shippedCrdsDir(): string {
  return join(shippedUpstreamDir(), 'crds');
}
