/** The render path after values are merged: pure, no values-file parsing, so `template` without -f/--set loads no YAML code. */
import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';
import { defaultsOf, fillDefaults } from '../schema/dsl.js';
import { assertValid, type KeyPath } from '../schema/validate.js';
import { coalesceValues } from '../values/coalesce.js';
import type { ValueOptions } from '../values/options.js';
import { groupDepths, sortObjects } from './order.js';
import { planRender } from './plan.js';
import type { ChartDefinition, GroupSpec, PlannedObject, ReleaseLookup, RenderResult } from './types.js';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

export interface RenderRequest {
  chart: ChartDefinition;
  release: string;
  namespace: string;
  valueOptions: ValueOptions;
  readFile?: (path: string) => string;
  manifestsDir?: string;
  releases?: ReleaseLookup;
  /** `template`: the objects are only printed (see RenderContext.printOnly). */
  printOnly?: boolean;
}

export interface RenderedRelease {
  /** User-supplied values only (what a release record keeps). */
  userValues: Record<string, unknown>;
  /** Chart defaults with user values coalesced on top, validated. */
  values: Record<string, unknown>;
  result: RenderResult;
  /** The groups that have objects, dependencies by name: what the engine runs and the record keeps. */
  groups: GroupSpec[];
  /** Objects in apply order, annotated with their sync wave. */
  objects: PlannedObject[];
  warnings: string[];
}

export function renderWithValues(
  req: Omit<RenderRequest, 'valueOptions'>,
  userValues: Record<string, unknown>,
  sourceOf: (path: KeyPath) => string | undefined = () => undefined,
  /** What user values are laid over instead of the chart's defaults (`upgrade --reuse-values`: the last release's values). */
  base?: Record<string, unknown>,
): RenderedRelease {
  const { chart } = req;
  const defaults = base ?? (defaultsOf(chart.values) as Record<string, unknown>);
  const coalesced = coalesceValues(defaults, userValues);
  const values = fillDefaults(chart.values, coalesced.values) as Record<string, unknown>;
  assertValid(chart.values, values, chart.info.name, sourceOf);
  const result = chart.render({
    release: req.release,
    namespace: req.namespace,
    values,
    chart: chart.info,
    sourceOf,
    isUserSet: (path) => lookup(userValues, path) !== undefined,
    manifestsDir: req.manifestsDir,
    releases: req.releases,
    printOnly: req.printOnly,
  });
  checkUniqueObjects(result.objects);
  result.provided.push({ kind: 'Namespace', name: req.namespace, by: 'the release namespace (created by the user or install --create-namespace)' });
  const plan = planRender(chart.info.name, result.objects, result.groups);
  const depths = groupDepths(plan.groups);
  const objects = sortObjects(plan.objects, plan.groups).map((r) => withWave(r, depths.get(r.group) ?? 0));
  return { userValues, values, result, groups: plan.groups, objects, warnings: coalesced.warnings };
}

/** Argo CD applies waves in order and waits for health between them: the same order inferctl uses. */
function withWave(r: PlannedObject, wave: number): PlannedObject {
  const annotations = { ...(r.object.metadata.annotations ?? {}), [SYNC_WAVE]: String(wave) };
  const object: K8sObject = { ...r.object, metadata: { ...r.object.metadata, annotations } };
  return { ...r, object };
}

function checkUniqueObjects(objects: RenderResult['objects']): void {
  const seen = new Map<string, string>();
  for (const { object, source } of objects) {
    const key = `${object.apiVersion.split('/')[0]}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const first = seen.get(key);
    if (first) {
      throw new UserError(`two objects would be rendered as ${object.kind} ${object.metadata.name} (from ${first} and ${source}); give one of them another name in the values.`);
    }
    seen.set(key, source);
  }
}

function lookup(tree: unknown, path: KeyPath): unknown {
  let cur: unknown = tree;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}
