import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { emitYaml } from '../../src/render/yaml-emit.js';
import { toYamlStream } from '../../src/render/yaml-output.js';
import { render } from '../helpers/render.js';

/** YAML 1.1 as kubectl/Helm (go-yaml v2) read it. */
const read11 = (text: string) => parse(text, { version: '1.1' });

test('strings that YAML 1.1 or 1.2 would read as something else are quoted', () => {
  const tricky = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', ' lead', 'trail ', '0775', '0x1F', '1e3', '1.0', '.5', '12:30',
    '2026-11-26', '-', '- x', '---', '*ref', '&a', '!tag', '%x', '@x', '`x', '{{ .Release.Name }}-x', '[x]', 'a: b', 'a #b', 'a:', '#c', '"q"', "'s'", '|', '>', '?', ',x', '=', '<<'];
  for (const s of tricky) {
    const text = emitYaml({ k: s, list: [s] });
    assert.deepEqual(read11(text), { k: s, list: [s] }, `round trip of ${JSON.stringify(s)}: ${text}`);
    assert.deepEqual(parse(text), { k: s, list: [s] }, `YAML 1.2 round trip of ${JSON.stringify(s)}`);
  }
});

test('scalars, nested lists and maps, empty collections and multi-line strings round-trip', () => {
  const value = {
    a: 1, b: -2.5, c: true, d: null, e: 'plain/text-ok', f: [], g: {}, h: [[1, 'x'], [2, 'y']],
    i: [{ name: 'x', value: 'y', env: [{ a: 1 }] }, 'scalar', [], {}],
    script: '#!/bin/sh\nset -eu\n  indented\n\nexit 0\n',
    noTrailing: 'line1\nline2', twoTrailing: 'x\n\n', leadingSpace: '  x\ny\n', trailingSpace: 'x \ny\n', cr: 'a\r\nb',
    'key with: colon': 'v', 'app.kubernetes.io/name': 'x', 'yes': 'key that is a bool word',
  };
  const text = emitYaml(value);
  assert.deepEqual(read11(text), value, text);
  assert.match(text, /script: \|\n  #!\/bin\/sh\n  set -eu\n    indented\n\n  exit 0\n/);
});

test('every rendered object of the default infrastructure round-trips through a YAML 1.1 reader', () => {
  const r = render();
  const docs = parseAllDocuments(toYamlStream(r.objects), { version: '1.1' }).map((d) => d.toJS());
  assert.equal(docs.length, r.objects.length);
  docs.forEach((doc, i) => assert.deepEqual(doc, JSON.parse(JSON.stringify(r.objects[i].object))));
});
