import type { K8sObject } from '../core/object.js';
import type { ObjectNode } from '../schema/dsl.js';
import type { AnyGroup, DeclaredGroup } from './groups.js';
import type { KeyPath } from '../schema/validate.js';

/**
 * An ordering group as planned and recorded (kapp "change group"): objects of a group are applied
 * together, and a group starts only when every group it depends on is ready. Charts declare groups
 * as handles (render/groups.ts); this is their resolved, string-named form, which release records
 * store as data and the engine runs.
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

/** An object as a component renders it: placed in a group by handle. */
export interface RenderedObject {
  object: K8sObject;
  group: AnyGroup;
  /** Human hint of where the object comes from: "postgresql", "litellm-proxy"... printed as # Source. */
  source: string;
  /** Re-create instead of patch when the object changes (immutable Jobs). */
  replaceOnChange?: boolean;
  /** Keep on uninstall unless --purge (data, shared namespaces). */
  keepOnUninstall?: boolean;
  /**
   * One object several releases use (a cluster-wide singleton such as KnativeServing
   * knative-serving): the first release creates it, later ones register as users instead of taking it
   * over, and it is deleted only when its last user goes.
   */
  shared?: boolean;
  /** The values key that names the object, for messages when that name is taken. */
  nameFrom?: string;
}

/** An object in a plan or a release record: its group by name. */
export interface PlannedObject extends Omit<RenderedObject, 'group'> {
  group: string;
}

/** A Job `uninstall` applies and waits for before deleting the release (e.g. deregistering models). */
export interface UninstallHook {
  object: K8sObject;
  source: string;
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
  /** Every group the chart declares, dependencies resolved; render-core drops the empty ones. */
  groups: DeclaredGroup[];
  provided: ProvidedRef[];
  /** Facts another release may read from this one's record (e.g. the Gateway and LiteLLM Service). */
  exports: Record<string, string>;
  /** Objects (Jobs) `uninstall` applies and waits for before deleting the release, then deletes. */
  uninstallHooks?: UninstallHook[];
  /** What `uninstall --purge` deletes beyond the inventory: data the operators created (PVCs), generated Secrets. */
  purge?: PurgeSelector[];
  /** Upstream workloads rendered unchanged that miss a "restricted" Pod Security rule, with why. */
  podSecurityExemptions?: { object: string; container?: string; check?: string; reason: string }[];
  /** APIs the objects need that nothing waits for: install and upgrade check them before applying anything. */
  requiredApis?: RequiredApi[];
}

/**
 * A kind the render uses whose CRD comes from outside the platform (e.g. the Prometheus Operator's
 * ServiceMonitor). Unlike a gate, nothing in the platform installs it, so waiting would only time
 * out: install fails at once, naming the CRD, why the render needs it and how to get it.
 */
export interface RequiredApi {
  apiVersion: string;
  kind: string;
  /** The CustomResourceDefinition's name, e.g. servicemonitors.monitoring.coreos.com. */
  crd: string;
  /** The values that asked for it, e.g. "monitoring.enabled=true". */
  why: string;
  /** How to get it. */
  fix: string;
}

export interface PurgeSelector {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector: string;
  what: string;
}

/** What another release published in its record, as stored (data); read it through that chart's contract (render/contract.ts). */
export interface ReleaseExports {
  release: string;
  namespace: string;
  chart: string;
  status: string;
  exports: Record<string, string>;
}

/** Other releases' records as a render sees them. install/upgrade read the cluster; template has none (undefined). */
export interface ReleaseLookup {
  /** The release of that name in that namespace. */
  find(release: string, namespace: string): ReleaseExports | undefined;
  /** Every release of a chart, in namespace/name order (cluster-wide layers such as the operators). */
  ofChart(chart: string): ReleaseExports[];
}

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
  /** The render is only printed (`template`): objects may carry stand-ins that print as what they stand for. */
  printOnly?: boolean;
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
