import { describeObject, groupOf, isPlainObject, type K8sObject } from '../core/object.js';

/**
 * Objects that operators create for rendered custom resources, so references to them are satisfied
 * without the caller listing them. Facts from shared/reference/crds.md (CNPG 1.30 sections 1.2-1.5,
 * KServe 0.20 section 4.2, Knative 1.23 section 3.2).
 */

export interface ProvidedRef {
  kind: 'Secret' | 'ConfigMap' | 'Service' | 'ServiceAccount' | 'Pod' | 'Namespace' | string;
  /** Omitted: satisfies references from any namespace. */
  namespace?: string;
  name: string;
  /** Data keys a Secret or ConfigMap will have; omitted: any key is accepted. */
  keys?: string[];
  /** For kind Pod: the labels of pods someone else creates, so Service and PDB selectors can match them. */
  labels?: Record<string, string>;
  /** Who creates it, for messages: 'CNPG operator (Cluster infra/pg)', 'user (litellm.masterKey.existingSecret)'. */
  by: string;
}

const CNPG_SECRET_KEYS = ['username', 'user', 'password', 'dbname', 'host', 'port', 'pgpass', 'uri', 'jdbc-uri', 'fqdn-uri', 'fqdn-jdbc-uri'];
const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

export function operatorProvidedRefs(objects: K8sObject[]): ProvidedRef[] {
  const out: ProvidedRef[] = [];
  for (const obj of objects) {
    const group = groupOf(obj.apiVersion);
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    if (!name) continue;
    if (group === 'postgresql.cnpg.io' && obj.kind === 'Cluster') out.push(...cnpgCluster(name, ns, spec, `CNPG operator (${describeObject(obj)})`));
    if (group === 'postgresql.cnpg.io' && obj.kind === 'Pooler') out.push(...cnpgPooler(name, ns, spec, `CNPG operator (${describeObject(obj)})`));
    if (group === 'serving.kserve.io' && obj.kind === 'InferenceService') {
      const by = `KServe controller (${describeObject(obj)})`;
      out.push({ kind: 'Service', namespace: ns, name: `${name}-predictor`, by });
      out.push({ kind: 'Pod', namespace: ns, name: `${name}-predictor-*`, labels: { 'serving.kserve.io/inferenceservice': name, component: 'predictor' }, by });
    }
    if (group === 'serving.knative.dev' && obj.kind === 'Service') {
      const by = `Knative Serving (${describeObject(obj)})`;
      out.push({ kind: 'Service', namespace: ns, name, by });
      const tmpl = isPlainObject(spec.template) && isPlainObject(spec.template.metadata) ? spec.template.metadata : {};
      const labels = isPlainObject(tmpl.labels) ? (tmpl.labels as Record<string, string>) : {};
      out.push({ kind: 'Pod', namespace: ns, name: `${name}-*`, labels: { ...labels, 'serving.knative.dev/service': name }, by });
    }
  }
  return out;
}

function cnpgCluster(c: string, ns: string | undefined, spec: Record<string, unknown>, by: string): ProvidedRef[] {
  const out: ProvidedRef[] = [];
  const managed = isPlainObject(spec.managed) && isPlainObject(spec.managed.services) ? spec.managed.services : {};
  const disabled = Array.isArray(managed.disabledDefaultServices) ? managed.disabledDefaultServices : [];
  for (const suffix of ['rw', 'ro', 'r']) if (!disabled.includes(suffix)) out.push({ kind: 'Service', namespace: ns, name: `${c}-${suffix}`, by });
  const bootstrap = isPlainObject(spec.bootstrap) ? spec.bootstrap : {};
  const method = Object.values(bootstrap).find(isPlainObject) ?? {};
  if (!isPlainObject(method.secret)) out.push({ kind: 'Secret', namespace: ns, name: `${c}-app`, keys: CNPG_SECRET_KEYS, by });
  if (spec.enableSuperuserAccess === true && !isPlainObject(spec.superuserSecret)) {
    out.push({ kind: 'Secret', namespace: ns, name: `${c}-superuser`, keys: CNPG_SECRET_KEYS, by });
  }
  for (const suffix of ['ca', 'server', 'replication']) out.push({ kind: 'Secret', namespace: ns, name: `${c}-${suffix}`, keys: TLS_KEYS, by });
  const common = {
    'cnpg.io/cluster': c, 'cnpg.io/podRole': 'instance', 'app.kubernetes.io/name': 'cloudnative-pg',
    'app.kubernetes.io/instance': c, 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/managed-by': 'cloudnative-pg',
  };
  for (const role of ['primary', 'replica']) {
    out.push({ kind: 'Pod', namespace: ns, name: `${c}-<n>`, labels: { ...common, 'cnpg.io/instanceRole': role, role }, by });
  }
  return out;
}

function cnpgPooler(p: string, ns: string | undefined, spec: Record<string, unknown>, by: string): ProvidedRef[] {
  const cluster = isPlainObject(spec.cluster) && typeof spec.cluster.name === 'string' ? spec.cluster.name : undefined;
  const out: ProvidedRef[] = [{ kind: 'Service', namespace: ns, name: p, by }];
  if (typeof spec.serviceAccountName !== 'string') out.push({ kind: 'ServiceAccount', namespace: ns, name: p, by });
  if (cluster) out.push({ kind: 'Secret', namespace: ns, name: `${cluster}-pooler`, keys: TLS_KEYS, by });
  const labels: Record<string, string> = { 'cnpg.io/poolerName': p, 'cnpg.io/podRole': 'pooler', 'app.kubernetes.io/component': 'pooler' };
  if (cluster) labels['cnpg.io/cluster'] = cluster;
  out.push({ kind: 'Pod', namespace: ns, name: `${p}-*`, labels, by });
  return out;
}
