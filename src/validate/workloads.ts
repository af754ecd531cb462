import { groupOf, isPlainObject, type K8sObject } from '../core/object.js';

/** Where objects keep their pod specs; shared by the name, reference and pod-security checks. */

export interface PodSpecLike {
  containers?: unknown;
  initContainers?: unknown;
  ephemeralContainers?: unknown;
  volumes?: unknown;
  serviceAccountName?: unknown;
  imagePullSecrets?: unknown;
  securityContext?: unknown;
  hostNetwork?: unknown;
  hostPID?: unknown;
  hostIPC?: unknown;
  [k: string]: unknown;
}

export interface PodTemplate {
  /** Path of the PodSpec inside the object, e.g. `spec.template.spec`. */
  specPath: string;
  spec: PodSpecLike;
  /** Labels the pods get (template metadata); undefined when the owner sets them itself. */
  labels?: Record<string, string>;
  /** Whether this is a real PodSpec (false for runtimes whose containers are merged into one by a controller). */
  fullPodSpec: boolean;
}

const PLAIN_TEMPLATE = new Set(['Deployment.apps', 'StatefulSet.apps', 'DaemonSet.apps', 'ReplicaSet.apps', 'Job.batch', 'ReplicationController', 'PodTemplate']);

export function podTemplates(obj: K8sObject): PodTemplate[] {
  const group = groupOf(obj.apiVersion);
  const gk = group ? `${obj.kind}.${group}` : obj.kind;
  const spec = isPlainObject(obj.spec) ? obj.spec : undefined;
  if (gk === 'Pod') return spec ? [{ specPath: 'spec', spec, labels: obj.metadata?.labels, fullPodSpec: true }] : [];
  if (PLAIN_TEMPLATE.has(gk)) return fromTemplate(gk === 'PodTemplate' ? obj.template : spec?.template, gk === 'PodTemplate' ? 'template' : 'spec.template');
  if (gk === 'CronJob.batch') {
    const jt = isPlainObject(spec?.jobTemplate) ? spec.jobTemplate : undefined;
    const js = isPlainObject(jt?.spec) ? jt.spec : undefined;
    return fromTemplate(js?.template, 'spec.jobTemplate.spec.template');
  }
  if (gk === 'Pooler.postgresql.cnpg.io') return fromTemplate(spec?.template, 'spec.template');
  if (group === 'serving.knative.dev' && (obj.kind === 'Service' || obj.kind === 'Configuration')) return fromTemplate(spec?.template, 'spec.template');
  if (gk === 'Revision.serving.knative.dev' && spec) return [{ specPath: 'spec', spec, labels: obj.metadata?.labels, fullPodSpec: true }];
  if ((gk === 'ServingRuntime.serving.kserve.io' || gk === 'ClusterServingRuntime.serving.kserve.io') && spec) {
    return [{ specPath: 'spec', spec, labels: undefined, fullPodSpec: false }];
  }
  return [];
}

function fromTemplate(template: unknown, path: string): PodTemplate[] {
  if (!isPlainObject(template) || !isPlainObject(template.spec)) return [];
  const meta = isPlainObject(template.metadata) ? template.metadata : {};
  const labels = isPlainObject(meta.labels) ? (meta.labels as Record<string, string>) : undefined;
  return [{ specPath: `${path}.spec`, spec: template.spec, labels, fullPodSpec: true }];
}

export interface ContainerRef {
  path: string;
  container: Record<string, unknown>;
  /** 'containers' | 'initContainers' | 'ephemeralContainers' */
  list: string;
}

export function containersOf(t: PodTemplate): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const arr = t.spec[list];
    if (!Array.isArray(arr)) continue;
    arr.forEach((c, i) => {
      if (isPlainObject(c)) out.push({ path: `${t.specPath}.${list}[${i}]`, container: c, list });
    });
  }
  return out;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asRecord(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}
