import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { renderComponents, type Component } from '../../src/render/component.js';
import { defineGroup, type Group } from '../../src/render/groups.js';
import { assertPlan, PlanError, sortGroups } from '../../src/render/order.js';
import { renderWithValues } from '../../src/render/render-core.js';
import type { ChartDefinition } from '../../src/render/types.js';
import { s } from '../../src/schema/dsl.js';

// A chart's wiring mistakes are refused before anything is rendered or applied.

interface Config {
  withCache: boolean;
}

const cm = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });

/** A chart made of the given components, rendered the way `template` renders the real ones. */
function chartOf(components: Component<Config>[], config: Config = { withCache: true }): ChartDefinition {
  return {
    info: { name: 'test-chart', version: '0.0.1', appVersion: '1', description: 'test' },
    values: s.object({}),
    render() {
      const { objects, groups } = renderComponents(components, config);
      return { objects, groups, provided: [], exports: {} };
    },
  };
}
const render = (components: Component<Config>[], config?: Config) => renderWithValues({ chart: chartOf(components, config), release: 'r', namespace: 'ns' }, {});
const component = (groups: Group<Config>[], objects: [string, Group<Config>][]): Component<Config> => ({
  groups,
  render: () => objects.map(([name, group]) => ({ object: cm(name), group, source: `test/${name}` })),
});

test('an object placed in a group that no registered component declares is refused, naming the object and the group', () => {
  const db = defineGroup<Config>({ name: 'db', description: 'database' });
  const stray = defineGroup<Config>({ name: 'migrations', description: 'never registered' });
  assert.throws(
    () => render([component([db], [['schema', db], ['migrate', stray]])]),
    (err: Error) => err instanceof PlanError && /ConfigMap ns\/migrate \(from test\/migrate\) is placed in group "migrations", which no registered component declares \(declared: db\); it would never be applied/.test(err.message),
  );
});

test('a dependency on an undeclared group is refused instead of silently dropped', () => {
  const cache = defineGroup<Config>({ name: 'cache', description: 'cache' });
  const app = defineGroup<Config>({ name: 'app', description: 'app', after: (c) => (c.withCache ? [cache] : []) });
  const appOnly = component([app], [['app', app]]);
  assert.throws(() => render([appOnly]), /group "app" depends on group "cache", which no registered component declares \(declared: app\)/);
  // The same wiring is fine when the configuration does not ask for the dependency...
  assert.deepEqual(render([appOnly], { withCache: false }).groups.map((g) => [g.name, g.dependsOn]), [['app', []]]);
  // ...or when the component owning it is registered.
  assert.deepEqual(render([component([cache], [['c', cache]]), appOnly]).groups.map((g) => [g.name, g.dependsOn]), [['cache', []], ['app', ['cache']]]);
});

test('a cycle is refused with its path', () => {
  const a: Group<Config> = defineGroup<Config>({ name: 'a', description: 'a', after: () => [b] });
  const b: Group<Config> = defineGroup<Config>({ name: 'b', description: 'b', after: () => [c] });
  const c: Group<Config> = defineGroup<Config>({ name: 'c', description: 'c', after: () => [a] });
  assert.throws(() => render([component([a, b, c], [['x', a]])]), /ordering groups form a cycle: a -> b -> c -> a/);
});

test('two groups of one name are refused: a handle is the identity, not its name', () => {
  const one = defineGroup<Config>({ name: 'db', description: 'one' });
  const two = defineGroup<Config>({ name: 'db', description: 'two' });
  assert.throws(() => render([component([one], [['x', one]]), component([two], [['y', two]])]), /declares group "db" twice with two different handles/);
});

test('empty groups are dropped and whoever waited for them waits for what they waited for', () => {
  const base = defineGroup<Config>({ name: 'base', description: 'base' });
  const empty = defineGroup<Config>({ name: 'empty', description: 'nothing this time', after: [base] });
  const top = defineGroup<Config>({ name: 'top', description: 'top', after: [empty], gates: [{ kind: 'crd-established', name: 'x.example.com', why: 'needs x' }] });
  const r = render([component([base, empty, top], [['b', base], ['t', top]])]);
  assert.deepEqual(r.groups, [
    { name: 'base', dependsOn: [], description: 'base' },
    { name: 'top', dependsOn: ['base'], description: 'top', gates: [{ kind: 'crd-established', name: 'x.example.com', why: 'needs x' }] },
  ]);
  assert.deepEqual(r.objects.map((o) => [o.object.metadata.name, o.group, o.object.metadata.annotations?.['argocd.argoproj.io/sync-wave']]), [['b', 'base', '0'], ['t', 'top', '1']]);
});

test('a recorded plan (data) is checked before anything is applied', () => {
  const groups = [{ name: 'a', dependsOn: [], description: 'a' }];
  assert.throws(() => assertPlan([{ object: cm('x'), group: 'b' }], groups, 'revision 3 of release r'), /ConfigMap ns\/x is in group "b", which revision 3 of release r does not declare \(declared: a\); nothing was applied/);
  assert.throws(() => sortGroups([{ name: 'a', dependsOn: ['gone'], description: 'a' }]), /group "a" depends on group "gone", which the plan does not declare/);
  assert.throws(() => sortGroups([{ name: 'a', dependsOn: ['a'], description: 'a' }]), /cycle: a -> a/);
  assert.doesNotThrow(() => assertPlan([{ object: cm('x'), group: 'a' }], groups));
});
