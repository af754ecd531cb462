/**
 * The resource types the simulator serves: the built-in groups a deploy tool touches, plus every
 * CustomResourceDefinition version once its CRD is Established.
 */
import type { ResourceRef } from './errors.js';

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface CrdVersionInfo {
  crdName: string;
  schema?: Record<string, unknown>;
  printerColumns: PrinterColumn[];
  selectableFields: string[];
  /** true when the CRD's list types etc. should come from the schema (always for CRs). */
}

export interface ResourceType extends ResourceRef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  status: boolean;
  scale?: ScaleSubresource;
  /** Extra subresources served for discovery only (e.g. namespaces/finalize, pods/log). */
  extraSubresources: string[];
  /** metadata.generation is maintained (incremented on non-metadata, non-status changes). */
  generation: boolean;
  /** Objects of all versions of one group+plural share storage. */
  storageKey: string;
  /** The apiVersion objects are stored as (CR versions with strategy None just relabel). */
  storageVersion: string;
  /** Most built-ins accept PUT without resourceVersion; custom resources do not. */
  allowUnconditionalUpdate: boolean;
  allowCreateOnUpdate: boolean;
  /** Deletes return the object (pods, CRs) instead of a Success Status. */
  returnDeletedObject: boolean;
  preferred: boolean;
  crd?: CrdVersionInfo;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Def {
  gv: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  short?: string[];
  cat?: string[];
  status?: boolean;
  scale?: boolean;
  gen?: boolean;
  verbs?: string[];
  extra?: string[];
  createOnUpdate?: boolean;
  returnDeleted?: boolean;
  preferred?: boolean;
  /** Shares another version's storage ("/events" for events.k8s.io), converted on the way in and out. */
  storedAs?: { storageKey: string; storageVersion: string };
}

const SCALE: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

// Cluster-scoped unless namespaced is true. Kept in one table so discovery, routing and GC agree.
const BUILTINS: Def[] = [
  { gv: 'v1', kind: 'Namespace', plural: 'namespaces', short: ['ns'], status: true, extra: ['finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { gv: 'v1', kind: 'Node', plural: 'nodes', short: ['no'], status: true, extra: ['proxy'] },
  { gv: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', short: ['pv'], status: true },
  { gv: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, short: ['po'], cat: ['all'], status: true, gen: true, returnDeleted: true, extra: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize'] },
  { gv: 'v1', kind: 'Service', plural: 'services', namespaced: true, short: ['svc'], cat: ['all'], status: true, returnDeleted: true, extra: ['proxy'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  { gv: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, short: ['cm'] },
  { gv: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { gv: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, short: ['sa'], extra: ['token'] },
  { gv: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, short: ['pvc'], status: true },
  { gv: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, short: ['ep'], createOnUpdate: true },
  { gv: 'v1', kind: 'Event', plural: 'events', namespaced: true, short: ['ev'], createOnUpdate: true },
  { gv: 'v1', kind: 'ReplicationController', plural: 'replicationcontrollers', namespaced: true, short: ['rc'], cat: ['all'], status: true, scale: true, gen: true },
  { gv: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true, short: ['limits'] },
  { gv: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, short: ['quota'], status: true },
  { gv: 'v1', kind: 'PodTemplate', plural: 'podtemplates', namespaced: true },
  { gv: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true, short: ['deploy'], cat: ['all'], status: true, scale: true, gen: true },
  { gv: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, short: ['sts'], cat: ['all'], status: true, scale: true, gen: true },
  { gv: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, short: ['ds'], cat: ['all'], status: true, gen: true },
  { gv: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, short: ['rs'], cat: ['all'], status: true, scale: true, gen: true },
  { gv: 'apps/v1', kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true },
  { gv: 'batch/v1', kind: 'Job', plural: 'jobs', namespaced: true, cat: ['all'], status: true, gen: true },
  { gv: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true, short: ['cj'], cat: ['all'], status: true, gen: true },
  { gv: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, short: ['pdb'], status: true, gen: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles', namespaced: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings' },
  { gv: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', short: ['crd', 'crds'], cat: ['api-extensions'], status: true, gen: true },
  { gv: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', namespaced: true, createOnUpdate: true },
  { gv: 'discovery.k8s.io/v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true },
  { gv: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', namespaced: true, short: ['ing'], status: true, gen: true },
  { gv: 'networking.k8s.io/v1', kind: 'IngressClass', plural: 'ingressclasses', gen: true },
  { gv: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, short: ['netpol'], gen: true },
  { gv: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, short: ['hpa'], cat: ['all'], status: true, gen: true },
  { gv: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, short: ['hpa'], cat: ['all'], status: true, gen: true, preferred: false },
  { gv: 'scheduling.k8s.io/v1', kind: 'PriorityClass', plural: 'priorityclasses', short: ['pc'] },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', cat: ['api-extensions'], gen: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', cat: ['api-extensions'], gen: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', plural: 'validatingadmissionpolicies', cat: ['api-extensions'], status: true, gen: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', plural: 'validatingadmissionpolicybindings', cat: ['api-extensions'], gen: true },
  { gv: 'storage.k8s.io/v1', kind: 'StorageClass', plural: 'storageclasses', short: ['sc'] },
  { gv: 'storage.k8s.io/v1', kind: 'CSIDriver', plural: 'csidrivers' },
  { gv: 'storage.k8s.io/v1', kind: 'CSINode', plural: 'csinodes' },
  { gv: 'storage.k8s.io/v1', kind: 'VolumeAttachment', plural: 'volumeattachments', status: true },
  { gv: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true, short: ['ev'], createOnUpdate: true, storedAs: { storageKey: '/events', storageVersion: 'v1' } },
];

function fromDef(d: Def): ResourceType {
  const slash = d.gv.indexOf('/');
  const group = slash < 0 ? '' : d.gv.slice(0, slash);
  const version = slash < 0 ? d.gv : d.gv.slice(slash + 1);
  return {
    group,
    version,
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural: d.plural,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced ?? false,
    shortNames: d.short ?? [],
    categories: d.cat ?? [],
    verbs: d.verbs ?? ALL_VERBS,
    status: d.status ?? false,
    scale: d.scale ? SCALE : undefined,
    extraSubresources: d.extra ?? [],
    generation: d.gen ?? false,
    storageKey: d.storedAs?.storageKey ?? `${group}/${d.plural}`,
    storageVersion: d.storedAs?.storageVersion ?? d.gv,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: d.createOnUpdate ?? false,
    returnDeletedObject: d.returnDeleted ?? false,
    preferred: d.preferred ?? true,
  };
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Resource types by group/version/plural, with the CRD-registered ones added and removed live. */
export class ResourceRegistry {
  private readonly builtins: ResourceType[] = BUILTINS.map(fromDef);
  private custom: ResourceType[] = [];
  private listeners = new Set<() => void>();

  all(): ResourceType[] {
    return [...this.builtins, ...this.custom];
  }

  isBuiltinGroup(group: string): boolean {
    return this.builtins.some((b) => b.group === group);
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  /** For ownerReferences and object bodies: apiVersion + kind. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  }

  /** Any served version of a group+kind; the preferred one first. */
  byGroupKind(group: string, kind: string): ResourceType | undefined {
    const matches = this.all().filter((r) => r.group === group && r.kind === kind);
    return matches.find((r) => r.preferred) ?? matches[0];
  }

  byKind(kind: string): ResourceType[] {
    return this.all().filter((r) => r.kind === kind && r.preferred);
  }

  byStorageKey(key: string): ResourceType | undefined {
    const matches = this.all().filter((r) => r.storageKey === key);
    return matches.find((r) => r.preferred) ?? matches[0];
  }

  /** Replaces the versions served for one CRD (empty list unregisters it). */
  setCustom(crdName: string, types: ResourceType[]): void {
    this.custom = this.custom.filter((r) => r.crd?.crdName !== crdName).concat(types);
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function customResourceTypes(crd: Record<string, unknown>): ResourceType[] {
  const spec = (crd.spec ?? {}) as Record<string, any>;
  const names = (spec.names ?? {}) as Record<string, any>;
  const group = String(spec.group ?? '');
  const versions = Array.isArray(spec.versions) ? (spec.versions as Record<string, any>[]) : [];
  const storage = versions.find((v) => v.storage) ?? versions[0];
  const served = versions.filter((v) => v.served !== false);
  const crdName = String((crd.metadata as Record<string, unknown> | undefined)?.name ?? '');
  // Preferred version: the apiserver sorts by Kubernetes version priority (v2 > v1 > v1beta1 ...).
  const preferred = [...served].sort((a, b) => compareKubeVersions(String(b.name), String(a.name)))[0];
  return served.map((v): ResourceType => {
    const sub = (v.subresources ?? {}) as Record<string, any>;
    const scale = sub.scale
      ? {
          specReplicasPath: String(sub.scale.specReplicasPath),
          statusReplicasPath: String(sub.scale.statusReplicasPath),
          labelSelectorPath: sub.scale.labelSelectorPath ? String(sub.scale.labelSelectorPath) : undefined,
        }
      : undefined;
    return {
      group,
      version: String(v.name),
      kind: String(names.kind),
      listKind: String(names.listKind ?? `${names.kind}List`),
      plural: String(names.plural),
      singular: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope === 'Namespaced',
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      verbs: ALL_VERBS,
      status: sub.status !== undefined,
      scale,
      extraSubresources: [],
      generation: true,
      storageKey: `${group}/${names.plural}`,
      storageVersion: `${group}/${storage?.name ?? v.name}`,
      allowUnconditionalUpdate: false,
      allowCreateOnUpdate: false,
      returnDeletedObject: true,
      preferred: v === preferred,
      crd: {
        crdName,
        schema: (v.schema as Record<string, any> | undefined)?.openAPIV3Schema,
        printerColumns: Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [],
        selectableFields: Array.isArray(v.selectableFields) ? v.selectableFields.map((f: any) => String(f.jsonPath)) : [],
      },
    };
  });
}

/** Kubernetes version ordering: GA > beta > alpha, then by numbers; non-matching names last. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra && !rb) return a < b ? 1 : a > b ? -1 : 0;
  if (!ra) return -1;
  if (!rb) return 1;
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return 0;
}
