import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/validate/paths.js';

const ROOT = repoRoot();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Repository paths README.md names: `path/to/file.ext` in backticks, and the argument of -f. */
function namedPaths(text: string): string[] {
  const inTicks = [...text.matchAll(/`(\.?\/?(?:[\w.-]+\/)+[\w.-]+\.\w+|[\w.-]+\.(?:md|json|yaml))`/g)].map((m) => m[1]);
  const valueFiles = [...text.matchAll(/-f ((?:\.\/)?[\w./-]+\.ya?ml)/g)].map((m) => m[1]);
  return [...new Set([...inTicks, ...valueFiles])];
}

test('every file README.md names exists in the repository', () => {
  const paths = namedPaths(README).filter((p) => !p.startsWith('~') && !p.includes('<'));
  assert.ok(paths.length >= 10, `found ${paths.length} paths: ${paths.join(', ')}`);
  // Files a user creates themselves, named as such in the text.
  const userFiles = new Set(['models.yaml', 'values-external-db.yaml']);
  const missing = paths.filter((p) => !userFiles.has(p) && !existsSync(join(ROOT, p)));
  assert.deepEqual(missing, []);
});

test("README's models.yaml example is examples/models.yaml, byte for byte", () => {
  const block = /```yaml\n(# models\.yaml:[\s\S]*?)```/.exec(README)?.[1];
  assert.ok(block, 'the README shows models.yaml');
  assert.equal(block, readFileSync(join(ROOT, 'examples', 'models.yaml'), 'utf8'));
});
