import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json, found by walking up from this module (works from src/ and dist/src/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** `<repo>/../shared`: CI clones the repo elsewhere with shared/ beside it, so never hard-code /work. */
export function sharedDir(): string {
  return resolve(repoRoot(), '..', 'shared');
}

export function upstreamCrdsDir(): string {
  return join(sharedDir(), 'upstream', 'crds');
}
