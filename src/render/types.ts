import type { K8sObject } from '../core/object.js';
import type { ObjectNode } from '../schema/dsl.js';
import type { KeyPath } from '../schema/validate.js';

/**
 * An ordering group (kapp "change group"): objects of a group are applied together, and a group
 * starts only when every group it depends on is ready. Declared next to the component that needs it.
 */
export interface GroupSpec {
  name: string;
  dependsOn: string[];
  description: string;
  /** Wait for something outside this render before applying the group (e.g. an operator's webhook). */
  gates?: Gate[];
}

/** A precondition outside the release, e.g. "the CNPG webhook answers". */
export interface Gate {
  /** deployment-started-after-crd: deployment-available, after restarting pods that started before `crd` was established. */
  kind: 'deployment-available' | 'crd-established' | 'deployment-started-after-crd';
  namespace?: string;
  name: string;
  crd?: string;
  why: string;
}

export interface RenderedObject {
  object: K8sObject;
  group: string;
  /** Human hint of where the object comes from: "postgresql", "litellm-proxy"... printed as # Source. */
  source: string;
  /** Re-create instead of patch when the object changes (immutable Jobs). */
  replaceOnChange?: boolean;
  /** Keep on uninstall unless --purge (data, shared namespaces). */
  keepOnUninstall?: boolean;
}

/** Something the render relies on that it does not create: made by an operator, a generator Job, or the user. */
export interface ProvidedRef {
  kind: string;
  namespace?: string;
  name: string;
  keys?: string[];
  by: string;
}

export interface RenderResult {
  objects: RenderedObject[];
  groups: GroupSpec[];
  provided: ProvidedRef[];
  /** Facts another release may read from this one's record (e.g. the Gateway and LiteLLM Service). */
  exports: Record<string, string>;
  /** Objects (Jobs) `uninstall` applies and waits for before deleting the release, then deletes. */
  uninstallHooks?: RenderedObject[];
  /** What `uninstall --purge` deletes beyond the inventory: data the operators created (PVCs), generated Secrets. */
  purge?: PurgeSelector[];
  /** Upstream workloads rendered unchanged that miss a "restricted" Pod Security rule, with why. */
  podSecurityExemptions?: { object: string; container?: string; check?: string; reason: string }[];
}

export interface PurgeSelector {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector: string;
  what: string;
}

/** What another release published in its record; see RenderResult.exports. */
export interface ReleaseExports {
  release: string;
  namespace: string;
  chart: string;
  status: string;
  exports: Record<string, string>;
}

/** Finds another release's record. install/upgrade read the cluster; template has none (undefined). */
export type ReleaseLookup = (release: string, namespace: string) => ReleaseExports | undefined;

export interface RenderContext<V> {
  release: string;
  namespace: string;
  values: V;
  chart: ChartInfo;
  sourceOf(path: KeyPath): string | undefined;
  /** Whether the user set this exact key (a values file or --set), as opposed to a chart default. */
  isUserSet(path: KeyPath): boolean;
  /** Directory of upstream release manifests (operators chart); undefined uses the bundled default. */
  manifestsDir?: string;
  /** Other releases' records, when the verb could read the cluster; undefined under `template`. */
  releases?: ReleaseLookup;
}

export interface ChartInfo {
  name: string;
  version: string;
  appVersion: string;
  description: string;
}

export interface ChartDefinition<V = any> {
  info: ChartInfo;
  values: ObjectNode;
  render(ctx: RenderContext<V>): RenderResult;
}
