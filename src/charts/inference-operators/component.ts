import type { K8sObject } from '../../core/object.js';
import { defineGroup, type Group } from '../../render/groups.js';
import type { ProvidedRef } from '../../render/types.js';
import type { OperatorsExports } from '../contracts/operators.js';
import type { OperatorsConfig } from './config.js';
import type { ManifestRef } from './manifests.js';
import type { OperatorsValues } from './values.js';

/** The values keys that name an upstream project (monitoring is the chart's own). */
export type ComponentKey = Exclude<keyof OperatorsValues, 'monitoring'>;

/**
 * One upstream project as data: which locked files it renders, which of their objects it leaves out
 * and why, how its objects are grouped for ordering, and the few documented patches it applies.
 * CRDs and Namespaces of every component go to the shared `crds` and `namespaces` groups.
 */
export interface OperatorComponent {
  key: ComponentKey;
  /** Upstream files, in the order the project applies them. */
  manifests: ManifestRef[];
  /** Components that must be rendered or external when this one is rendered. */
  needs?: { key: ComponentKey; why: string }[];
  /** Ordering groups of the component's other objects; the first is the default. */
  groups: readonly Group<OperatorsConfig>[];
  /** The group of an object that does not go to the first one. */
  groupOf?(obj: K8sObject): Group<OperatorsConfig> | undefined;
  /** Why an upstream object is not rendered, or undefined to render it. */
  omitReason?(obj: K8sObject): string | undefined;
  /** Objects upstream leaves to the installer (a namespace Helm would create with --create-namespace). */
  extraObjects?(config: OperatorsConfig): K8sObject[];
  /** Documented patches. Objects are shared with the parse cache: return a copy, never mutate. */
  patch?(obj: K8sObject, config: OperatorsConfig): K8sObject;
  /** Its part of the release's exports (contracts/operators.ts): versions, namespaces, Deployments. */
  exports(config: OperatorsConfig): OperatorsExports;
  provided?(config: OperatorsConfig): ProvidedRef[];
}

/** The two groups every component's CRDs and Namespaces go to, and that component groups wait for. */
export const crdsGroup = defineGroup<OperatorsConfig>({
  name: 'crds',
  description: 'Every CRD, server-side applied and waited Established; kept on uninstall (deleting a CRD deletes every object of it)',
});
export const namespacesGroup = defineGroup<OperatorsConfig>({
  name: 'namespaces',
  description: 'The upstream namespaces (cert-manager, cnpg-system, envoy-gateway-system, envoy-ai-gateway-system, knative-operator, kserve); kept on uninstall',
});
export const FOUNDATION = [crdsGroup, namespacesGroup];

export function crdGroupOf(obj: K8sObject): string | undefined {
  return obj.kind === 'CustomResourceDefinition' ? ((obj.spec as { group?: string } | undefined)?.group ?? undefined) : undefined;
}
