import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSimpleValuesYaml } from '../../src/values/yaml-fast.js';
import { parseValuesYamlFully } from '../../src/values/yaml.js';

// The quick reader of ordinary values files must agree with the full YAML 1.1 reader, or step aside.

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Files it must read itself (so the fast path is really taken) and agree on. */
const TAKEN = [
  readFileSync(join(ROOT, 'scripts/bench/models-200.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'charts/inference-infrastructure/values.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'charts/inference-stack/values.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'charts/inference-operators/values.yaml'), 'utf8'),
  'postgresql:\n  enabled: false\n\nvalkey:\n  enabled: false\n\nlitellm-proxy:\n  database:\n    host: "my-external-postgresql.database.svc.cluster.local"\n    port: 5432\n    passwordSecretName: "my-postgres-secret"\n',
  'a:\n- x\n- y: 1\n  z: [1, "two", \'th\'\'ree\']\n- {k: v, n: ~, b: yes, o: off, f: 1.5e3, h: 0x1F, oct: 010}\nb: null\nc:\nd: "quoted: colon # not a comment"  # a comment\n"0": zero\n1.5: k\ntrue: t\n',
  '# only a comment\n',
  'list:\n- a\n- b\nx: 1\n',
  'x: 2026-11-26\ny: 12:30\nz: -1\nw: .inf_no\nv: 1_000\n',
];

/** Files it must leave to the full reader. */
const LEFT = [
  'a: &x 1\nb: *x\n',
  'a: |\n  block\n',
  'a: !!str 1\n',
  '---\na: 1\n---\nb: 2\n',
  'a: 1\na: 2\n',
  'a: multi\n  line\n',
  'a:\tb\n',
  '- top\n- level list\n',
  'a: "unclosed\n',
  'a: .inf\n',
  'null: 1\n',
  'a: [x: 1]\n',
  'a: "esc\\"aped"\n',
  'key with spaces: 1\n',
  'list:\n  - - nested\nx: 1\n',
  'a:\n  - x\n  b: 1\n',
];

test('ordinary values files are read without the general parser, to the same values', () => {
  for (const text of TAKEN) {
    const fast = parseSimpleValuesYaml(text);
    assert.ok(fast, `took the fast path:\n${text.slice(0, 200)}`);
    assert.deepEqual(fast, parseValuesYamlFully(text, 'test.yaml'), text.slice(0, 200));
  }
});

test('anything unusual is left to the full parser (which also owns every error message)', () => {
  for (const text of LEFT) assert.equal(parseSimpleValuesYaml(text), undefined, text);
});

test('on generated variations the two readers never disagree', () => {
  const scalars = ['1', '-2', '0.5', 'yes', 'No', 'on', '~', 'null', 'x', 'a-b_c.d/e', '"q"', "'s'", '1e3', '0o7', '0x1f', '2026-01-02', 'True', 'FALSE', '"a: b"', "'it''s'", '007', '+1', '.5', 'v1.2.3'];
  let compared = 0;
  for (let i = 0; i < 400; i++) {
    const pick = (n: number) => scalars[(i * 7 + n * 13) % scalars.length];
    const text = [
      `k${i}:`,
      `  s: ${pick(1)}`,
      `  l:`,
      `  - ${pick(2)}`,
      `  - {a: ${pick(3)}, b: [${pick(4)}, ${pick(5)}]}`,
      `  m: {${i % 3 ? 'x' : '"y z"'}: ${pick(6)}}`,
      `${pick(7).replace(/["']/g, '')}x: ${pick(8)}`,
    ].join('\n');
    const fast = parseSimpleValuesYaml(text);
    let full: unknown;
    try {
      full = parseValuesYamlFully(text, 'gen.yaml');
    } catch {
      assert.equal(fast, undefined, `the full parser refuses it, so the fast one must step aside:\n${text}`);
      continue;
    }
    if (fast) {
      assert.deepEqual(fast, full, text);
      compared++;
    }
  }
  assert.ok(compared > 100, `compared ${compared} documents on the fast path`);
});
