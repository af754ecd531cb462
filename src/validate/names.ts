import { groupOf, isPlainObject, type K8sObject } from '../core/object.js';
import { joinPath, type SchemaIssue } from './structural-schema.js';
import { asArray, containersOf, podTemplates } from './workloads.js';

/**
 * Name and metadata syntax the apiserver enforces (apimachinery validation), which no OpenAPI schema
 * describes, plus the limits that only bite later when a controller derives names or labels from them.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

export function dns1123LabelProblem(s: string): string | null {
  if (s.length > 63) return `must be no more than 63 characters (has ${s.length})`;
  return DNS1123_LABEL.test(s) ? null : 'must be a lowercase RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
}

export function dns1123SubdomainProblem(s: string): string | null {
  if (s.length > 253) return `must be no more than 253 characters (has ${s.length})`;
  return DNS1123_SUBDOMAIN.test(s) ? null : 'must be a lowercase RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
}

export function dns1035LabelProblem(s: string): string | null {
  if (s.length > 63) return `must be no more than 63 characters (has ${s.length})`;
  return DNS1035_LABEL.test(s) ? null : 'must be an RFC 1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name 63 characters at most. */
export function qualifiedNameProblem(key: string): string | null {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0].length === 0) return 'prefix part must be non-empty';
    const p = dns1123SubdomainProblem(parts[0]);
    if (p) return `prefix part ${p}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return `name part must be no more than 63 characters (has ${name.length})`;
  return QUALIFIED_NAME.test(name) ? null : 'name part must consist of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
}

export function labelValueProblem(v: string): string | null {
  if (v.length > 63) return `must be no more than 63 characters (has ${v.length})`;
  return LABEL_VALUE.test(v) ? null : 'must be empty or consist of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
}

/** IANA service names: container and Service port names. */
export function portNameProblem(n: string): string | null {
  if (n.length > 15) return `must be no more than 15 characters (has ${n.length})`;
  if (!IANA_SVC_NAME.test(n)) return 'must contain only lowercase letters, digits and "-", starting and ending with a letter or digit';
  if (n.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(n)) return 'must contain at least one letter';
  return null;
}

/** RBAC and a few other kinds only forbid what would break a URL path segment (so `system:foo` is fine). */
function pathSegmentProblem(s: string): string | null {
  if (s === '.' || s === '..') return `may not be "${s}"`;
  return /[/%]/.test(s) ? 'may not contain "/" or "%"' : null;
}

type NameRule = (name: string, obj: K8sObject) => string | null;

/** Kinds whose names must be DNS labels (or stricter) because they become DNS names or label values. */
const NAME_RULES: Record<string, NameRule> = {
  Namespace: dns1123LabelProblem,
  Service: dns1035LabelProblem,
  'Service.serving.knative.dev': dns1035LabelProblem,
  'InferenceService.serving.kserve.io': dns1035LabelProblem,
  'Role.rbac.authorization.k8s.io': pathSegmentProblem,
  'ClusterRole.rbac.authorization.k8s.io': pathSegmentProblem,
  'RoleBinding.rbac.authorization.k8s.io': pathSegmentProblem,
  'ClusterRoleBinding.rbac.authorization.k8s.io': pathSegmentProblem,
  // The Job controller puts the name into the `job-name` label, whose values stop at 63.
  'Job.batch': (n) => dns1123SubdomainProblem(n) ?? (n.length > 63 ? `must be no more than 63 characters (has ${n.length}): it becomes the job-name label` : null),
  // CronJob appends an 11-character suffix to make Job names.
  'CronJob.batch': (n) => dns1123SubdomainProblem(n) ?? (n.length > 52 ? `must be no more than 52 characters (has ${n.length}): Jobs are named <name>-<11 digits>` : null),
  // Pods get the controller-revision-hash label <name>-<hash of up to 10 characters>.
  'StatefulSet.apps': (n) => dns1123SubdomainProblem(n) ?? (n.length > 52 ? `must be no more than 52 characters (has ${n.length}): the controller-revision-hash label would exceed 63` : null),
  'CustomResourceDefinition.apiextensions.k8s.io': (n, obj) => {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    const names = isPlainObject(spec.names) ? spec.names : {};
    const want = `${String(names.plural)}.${String(spec.group)}`;
    return n === want ? null : `must be <spec.names.plural>.<spec.group> ("${want}")`;
  },
};

export function checkNames(obj: K8sObject): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const meta = isPlainObject(obj.metadata) ? obj.metadata : undefined;
  if (!meta) return [{ path: 'metadata', message: 'Required value: metadata is required' }];
  const group = groupOf(obj.apiVersion);
  const gk = group ? `${obj.kind}.${group}` : obj.kind;
  if (typeof meta.name !== 'string' || meta.name === '') {
    issues.push({ path: 'metadata.name', message: 'Required value: name is required' });
  } else {
    const problem = (NAME_RULES[gk] ?? dns1123SubdomainProblem)(meta.name, obj);
    if (problem) issues.push({ path: 'metadata.name', message: `Invalid value: "${meta.name}": ${problem}` });
  }
  if (meta.namespace !== undefined) {
    const p = typeof meta.namespace === 'string' ? dns1123LabelProblem(meta.namespace) : 'must be a string';
    if (p) issues.push({ path: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(meta.namespace)}: ${p}` });
  }
  issues.push(...labelIssues(meta.labels, 'metadata.labels'));
  issues.push(...annotationIssues(meta.annotations, 'metadata.annotations'));
  for (const t of podTemplates(obj)) {
    const tmplMeta = t.specPath.replace(/\.spec$/, '.metadata');
    if (t.fullPodSpec && t.specPath !== 'spec') {
      const parent = t.specPath.split('.').slice(0, -1);
      const template = parent.reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), obj);
      const m = isPlainObject(template) && isPlainObject(template.metadata) ? template.metadata : {};
      issues.push(...labelIssues(m.labels, `${tmplMeta}.labels`));
      issues.push(...annotationIssues(m.annotations, `${tmplMeta}.annotations`));
    }
    issues.push(...podSpecNameIssues(t, claimTemplateNames(obj)));
  }
  if (gk === 'Service' && isPlainObject(obj.spec)) {
    // Service port names are DNS labels; only container port names have the 15-character IANA limit.
    asArray(obj.spec.ports).forEach((p, i) => {
      const name = isPlainObject(p) ? p.name : undefined;
      const problem = typeof name === 'string' ? dns1123LabelProblem(name) : null;
      if (problem) issues.push({ path: `spec.ports[${i}].name`, message: `Invalid value: "${String(name)}": ${problem}` });
    });
  }
  return issues;
}

export function labelIssues(labels: unknown, path: string): SchemaIssue[] {
  if (labels === undefined || labels === null) return [];
  if (!isPlainObject(labels)) return [{ path, message: 'must be a map of strings' }];
  const issues: SchemaIssue[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const kp = qualifiedNameProblem(k);
    if (kp) issues.push({ path: `${path}[${k}]`, message: `Invalid label key "${k}": ${kp}` });
    if (typeof v !== 'string') issues.push({ path: `${path}[${k}]`, message: `label values must be strings, got ${JSON.stringify(v)} (quote it)` });
    else {
      const vp = labelValueProblem(v);
      if (vp) issues.push({ path: `${path}[${k}]`, message: `Invalid label value "${v}": ${vp}` });
    }
  }
  return issues;
}

export function annotationIssues(annotations: unknown, path: string): SchemaIssue[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isPlainObject(annotations)) return [{ path, message: 'must be a map of strings' }];
  const issues: SchemaIssue[] = [];
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const kp = qualifiedNameProblem(k.toLowerCase());
    if (kp) issues.push({ path: `${path}[${k}]`, message: `Invalid annotation key "${k}": ${kp}` });
    if (typeof v !== 'string') issues.push({ path: `${path}[${k}]`, message: `annotation values must be strings, got ${JSON.stringify(v)} (quote it)` });
    bytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (bytes > TOTAL_ANNOTATION_BYTES) issues.push({ path, message: `Too long: annotations total ${bytes} bytes, must have at most ${TOTAL_ANNOTATION_BYTES}` });
  return issues;
}

/** StatefulSet volumeClaimTemplates become pod volumes of the same names. */
export function claimTemplateNames(obj: K8sObject): Set<string> {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const names = asArray(spec.volumeClaimTemplates).map((t) => (isPlainObject(t) && isPlainObject(t.metadata) ? t.metadata.name : undefined));
  return new Set(names.filter((n): n is string => typeof n === 'string'));
}

function podSpecNameIssues(t: ReturnType<typeof podTemplates>[number], claims: Set<string>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Map<string, string>();
  for (const { path, container } of containersOf(t)) {
    const name = container.name;
    if (typeof name === 'string') {
      const p = dns1123LabelProblem(name);
      if (p) issues.push({ path: `${path}.name`, message: `Invalid value: "${name}": ${p}` });
      if (seen.has(name)) issues.push({ path: `${path}.name`, message: `Duplicate value: "${name}" (also ${seen.get(name)})` });
      seen.set(name, path);
    }
    asArray(container.ports).forEach((port, i) => {
      const pn = isPlainObject(port) ? port.name : undefined;
      const p = typeof pn === 'string' ? portNameProblem(pn) : null;
      if (p) issues.push({ path: `${path}.ports[${i}].name`, message: `Invalid value: "${String(pn)}": ${p}` });
    });
  }
  const volumes = new Set<string>();
  asArray(t.spec.volumes).forEach((v, i) => {
    const name = isPlainObject(v) ? v.name : undefined;
    if (typeof name !== 'string') return;
    const p = dns1123LabelProblem(name);
    if (p) issues.push({ path: `${t.specPath}.volumes[${i}].name`, message: `Invalid value: "${name}": ${p}` });
    if (volumes.has(name)) issues.push({ path: `${t.specPath}.volumes[${i}].name`, message: `Duplicate value: "${name}"` });
    volumes.add(name);
  });
  for (const { path, container } of containersOf(t)) {
    asArray(container.volumeMounts).forEach((m, i) => {
      const name = isPlainObject(m) ? m.name : undefined;
      if (typeof name === 'string' && t.fullPodSpec && !volumes.has(name) && !claims.has(name)) {
        issues.push({ path: joinPath(`${path}.volumeMounts[${i}]`, 'name'), message: `Not found: "${name}": no volume of that name in ${t.specPath}.volumes` });
      }
    });
  }
  return issues;
}
