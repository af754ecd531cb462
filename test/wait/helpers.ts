import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../src/core/object.js';
import { evaluateReadiness } from '../../src/wait/registry.js';
import { matchesRelatedQuery } from '../../src/wait/related.js';
import type { Readiness, ReadyState, RelatedQuery } from '../../src/wait/types.js';

// Tests run from dist/test/wait; fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../test/wait/fixtures/', import.meta.url));

/** The first document is the object under test; the others are the cluster it lives in. */
export interface Fixture {
  subject: K8sObject;
  cluster: K8sObject[];
}

export function loadFixture(path: string): Fixture {
  const text = readFileSync(FIXTURES + path, 'utf8');
  const docs = parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${path}: ${d.errors[0].message}`);
    return d.toJS() as K8sObject;
  });
  const [subject, ...cluster] = docs.filter((d) => d !== null);
  return { subject, cluster };
}

export function fakeCluster(objects: K8sObject[], seen: RelatedQuery[] = []): (q: RelatedQuery) => K8sObject[] {
  return (q) => {
    seen.push(q);
    return objects.filter((o) => matchesRelatedQuery(o, q));
  };
}

export function judgeFixture(path: string): Readiness {
  const { subject, cluster } = loadFixture(path);
  return evaluateReadiness(subject, fakeCluster(cluster));
}

export interface Case {
  file: string;
  state: ReadyState;
  /** Substrings the message must contain. */
  message: string | string[];
  cause?: string;
}

/** One test per fixture: state, message substrings and (optionally) a cause substring. */
export function fixtureTable(dir: string, cases: Case[]): void {
  for (const c of cases) {
    test(`${dir}/${c.file} is ${c.state}`, () => {
      const r = judgeFixture(`${dir}/${c.file}`);
      assert.equal(r.state, c.state, r.message);
      for (const part of Array.isArray(c.message) ? c.message : [c.message]) {
        assert.ok(r.message.includes(part), `message ${JSON.stringify(r.message)} lacks ${JSON.stringify(part)}`);
      }
      if (c.cause !== undefined) {
        assert.ok(r.cause?.includes(c.cause), `cause ${JSON.stringify(r.cause)} lacks ${JSON.stringify(c.cause)}`);
      }
    });
  }
}
