/**
 * Light validation of built-in kinds: object names, labels, the required fields a typo would
 * drop, and the immutable fields that make real upgrades fail (Deployment selector, Job template,
 * Service clusterIP, immutable ConfigMaps/Secrets, PVC spec, StatefulSet spec). Messages follow
 * the apiserver's wording because people read them in our CLI's output.
 */
import type { K8sObject } from '../core/object.js';
import { fieldErr, type FieldError } from './errors.js';
import type { ResourceType } from './resources.js';
import { deepEqual, isObj, obj } from './util.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const MSG = {
  subdomain:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  label:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  labelValue:
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  qualifiedName:
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  configKey: "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
};

type NameRule = 'subdomain' | 'label' | 'dns1035' | 'segment';

function nameRule(rt: ResourceType): NameRule {
  if (rt.crd) return 'segment';
  if (rt.group === 'rbac.authorization.k8s.io') return 'segment';
  if (rt.kind === 'Namespace') return 'label';
  if (rt.kind === 'Service') return 'dns1035';
  return 'subdomain';
}

export function validateName(rt: ResourceType, name: string, field = 'metadata.name'): FieldError[] {
  if (!name) return [fieldErr.required(field, 'name or generateName is required')];
  switch (nameRule(rt)) {
    case 'segment':
      if (name === '.' || name === '..') return [fieldErr.invalid(field, name, `may not be '${name}'`)];
      if (/[/%]/.test(name)) return [fieldErr.invalid(field, name, `may not contain '${name.includes('/') ? '/' : '%'}'`)];
      return [];
    case 'label':
      if (name.length > 63) return [fieldErr.invalid(field, name, 'must be no more than 63 characters')];
      return DNS1123_LABEL.test(name) ? [] : [fieldErr.invalid(field, name, MSG.label)];
    case 'dns1035':
      if (name.length > 63) return [fieldErr.invalid(field, name, 'must be no more than 63 characters')];
      return DNS1035_LABEL.test(name) ? [] : [fieldErr.invalid(field, name, MSG.dns1035)];
    default:
      if (name.length > 253) return [fieldErr.invalid(field, name, 'must be no more than 253 characters')];
      return DNS1123_SUBDOMAIN.test(name) ? [] : [fieldErr.invalid(field, name, MSG.subdomain)];
  }
}

function validateQualifiedName(key: string, field: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) return [fieldErr.invalid(field, key, MSG.qualifiedName)];
  if (slash >= 0 && (!prefix || !DNS1123_SUBDOMAIN.test(prefix))) return [fieldErr.invalid(field, key, `prefix part ${MSG.subdomain}`)];
  return [];
}

export function validateMetadata(o: K8sObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    errs.push(...validateQualifiedName(k, 'metadata.labels'));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) errs.push(fieldErr.invalid('metadata.labels', v, MSG.labelValue));
  }
  for (const k of Object.keys(o.metadata.annotations ?? {})) errs.push(...validateQualifiedName(k.toLowerCase(), 'metadata.annotations'));
  const refs = Array.isArray(o.metadata.ownerReferences) ? (o.metadata.ownerReferences as Record<string, unknown>[]) : [];
  refs.forEach((r) => {
    if (!r.apiVersion) errs.push(fieldErr.invalid('metadata.ownerReferences.apiVersion', r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(fieldErr.invalid('metadata.ownerReferences.kind', r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(fieldErr.invalid('metadata.ownerReferences.name', r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(fieldErr.invalid('metadata.ownerReferences.uid', r.uid ?? '', 'uid must not be empty'));
  });
  const controllers = refs.filter((r) => r.controller === true);
  if (controllers.length > 1) {
    errs.push(
      fieldErr.invalid(
        'metadata.ownerReferences',
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.map((c) => `${c.kind}/${c.name}`).join(' and ')}`,
      ),
    );
  }
  const fins = Array.isArray(o.metadata.finalizers) ? (o.metadata.finalizers as unknown[]) : [];
  fins.forEach((f, i) => errs.push(...validateQualifiedName(String(f), `metadata.finalizers[${i}]`)));
  return errs;
}

type O = Record<string, any>;

function validatePodSpec(spec: unknown, path: string, opts: { restartPolicies?: string[] }): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(spec)) return [fieldErr.required(path, '')];
  const s = spec as O;
  const containers: unknown[] = Array.isArray(s.containers) ? s.containers : [];
  if (containers.length === 0) errs.push(fieldErr.required(`${path}.containers`, ''));
  for (const list of ['initContainers', 'containers']) {
    const seen = new Set<string>();
    (Array.isArray(s[list]) ? (s[list] as unknown[]) : []).forEach((c, i) => {
      const p = `${path}.${list}[${i}]`;
      const co = obj(c) as O;
      if (!co.name) errs.push(fieldErr.required(`${p}.name`, ''));
      else if (!DNS1123_LABEL.test(co.name)) errs.push(fieldErr.invalid(`${p}.name`, co.name, MSG.label));
      else if (seen.has(co.name)) errs.push(fieldErr.duplicate(`${p}.name`, co.name));
      if (co.name) seen.add(co.name);
      if (!co.image) errs.push(fieldErr.required(`${p}.image`, ''));
      (Array.isArray(co.ports) ? co.ports : []).forEach((port: O, j: number) => {
        const n = port?.containerPort;
        if (typeof n !== 'number' || n < 1 || n > 65535) errs.push(fieldErr.invalid(`${p}.ports[${j}].containerPort`, n ?? 0, 'must be between 1 and 65535, inclusive'));
      });
      (Array.isArray(co.env) ? co.env : []).forEach((e: O, j: number) => {
        if (!e?.name) errs.push(fieldErr.required(`${p}.env[${j}].name`, ''));
      });
    });
  }
  if (opts.restartPolicies && s.restartPolicy !== undefined && !opts.restartPolicies.includes(s.restartPolicy)) {
    errs.push(fieldErr.notSupported(`${path}.restartPolicy`, s.restartPolicy, opts.restartPolicies));
  }
  if (opts.restartPolicies && s.restartPolicy === undefined) {
    errs.push(fieldErr.required(`${path}.restartPolicy`, `valid values: ${opts.restartPolicies.map((v) => JSON.stringify(v)).join(', ')}`));
  }
  return errs;
}

/** Go's %#v of a LabelSelector, as the immutable-selector error prints it. */
function goLabelSelector(sel: unknown): string {
  const s = obj(sel);
  const ml = obj(s.matchLabels);
  const labels = Object.keys(ml).length
    ? `map[string]string{${Object.entries(ml)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = Array.isArray(s.matchExpressions) && s.matchExpressions.length ? `[]v1.LabelSelectorRequirement{...}` : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

function selectorMatchesTemplate(spec: O, errs: FieldError[]): void {
  const sel = spec.selector;
  if (!isObj(sel)) {
    errs.push(fieldErr.required('spec.selector', ''));
    return;
  }
  const ml = obj(sel.matchLabels);
  if (Object.keys(ml).length === 0 && !(Array.isArray(sel.matchExpressions) && sel.matchExpressions.length)) {
    errs.push(fieldErr.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
    return;
  }
  const labels = obj(spec.template?.metadata?.labels);
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) {
    errs.push(fieldErr.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit'];

export function validateBuiltin(o: K8sObject, old: K8sObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const x = o as unknown as O;
  const spec = obj(x.spec) as O;
  const oldSpec = old ? (obj((old as unknown as O).spec) as O) : undefined;
  switch (o.kind) {
    case 'Pod':
      errs.push(...validatePodSpec(x.spec, 'spec', {}));
      if (old && oldSpec && !deepEqual(stripPodMutable(spec), stripPodMutable(oldSpec))) {
        errs.push(fieldErr.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
      }
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet': {
      selectorMatchesTemplate(spec, errs);
      if (typeof spec.replicas === 'number' && spec.replicas < 0) errs.push(fieldErr.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
      errs.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec', { restartPolicies: spec.template?.spec?.restartPolicy === undefined ? undefined : ['Always'] }));
      if (oldSpec && !deepEqual(spec.selector, oldSpec.selector)) {
        errs.push(fieldErr.raw('spec.selector', `Invalid value: ${goLabelSelector(spec.selector)}: field is immutable`));
      }
      if (o.kind === 'StatefulSet' && oldSpec) {
        const strip = (s: O) => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
        if (!deepEqual(strip(spec), strip(oldSpec))) {
          errs.push(
            fieldErr.forbidden(
              'spec',
              "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ),
          );
        }
      }
      break;
    }
    case 'Job':
      errs.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec', { restartPolicies: ['OnFailure', 'Never'] }));
      if (oldSpec) {
        if (!deepEqual(spec.selector, oldSpec.selector)) errs.push(fieldErr.raw('spec.selector', `Invalid value: ${goLabelSelector(spec.selector)}: field is immutable`));
        if (!deepEqual(spec.template, oldSpec.template)) errs.push(fieldErr.raw('spec.template', 'Invalid value: core.PodTemplateSpec{...}: field is immutable'));
        if (!deepEqual(spec.completions, oldSpec.completions)) errs.push(fieldErr.invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
      }
      break;
    case 'Service':
      validateService(spec, oldSpec, errs);
      break;
    case 'ConfigMap':
    case 'Secret':
      for (const field of ['data', 'binaryData']) {
        for (const k of Object.keys(obj(x[field]))) if (!CONFIG_KEY.test(k)) errs.push(fieldErr.invalid(`${field}[${k}]`, k, MSG.configKey));
      }
      if (old && (old as unknown as O).immutable === true) {
        const oo = old as unknown as O;
        if (x.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
        if (!deepEqual(x.data ?? {}, oo.data ?? {})) errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
        if (!deepEqual(x.binaryData ?? {}, oo.binaryData ?? {})) errs.push(fieldErr.forbidden('binaryData', 'field is immutable when `immutable` is set'));
      }
      if (o.kind === 'Secret' && old && x.type !== (old as unknown as O).type) errs.push(fieldErr.invalid('type', x.type, 'field is immutable'));
      break;
    case 'PersistentVolumeClaim':
      if (oldSpec) {
        const strip = (s: O) => {
          const c = { ...s, resources: { ...obj(s.resources), requests: undefined } } as O;
          delete c.volumeAttributesClassName;
          if (!oldSpec.volumeName) delete c.volumeName;
          return c;
        };
        if (!deepEqual(strip(spec), strip(oldSpec))) {
          errs.push(fieldErr.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
        }
      }
      break;
    case 'CustomResourceDefinition':
      validateCrd(o, spec, oldSpec, errs);
      break;
    default:
      break;
  }
  return errs;
}

function stripPodMutable(s: O): O {
  const c = JSON.parse(JSON.stringify(s)) as O;
  for (const list of ['containers', 'initContainers']) for (const ct of Array.isArray(c[list]) ? c[list] : []) delete ct.image;
  delete c.activeDeadlineSeconds;
  delete c.tolerations;
  delete c.terminationGracePeriodSeconds;
  // Scheduling writes nodeName through the binding subresource.
  delete c.nodeName;
  return c;
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(spec: O, oldSpec: O | undefined, errs: FieldError[]): void {
  if (!SERVICE_TYPES.includes(spec.type)) errs.push(fieldErr.notSupported('spec.type', spec.type, SERVICE_TYPES));
  const ports: O[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') errs.push(fieldErr.required('spec.ports', ''));
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) errs.push(fieldErr.required(`spec.ports[${i}].name`, ''));
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) errs.push(fieldErr.invalid(`spec.ports[${i}].port`, p.port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol)) errs.push(fieldErr.notSupported(`spec.ports[${i}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  if (oldSpec && oldSpec.type !== 'ExternalName' && spec.type !== 'ExternalName') {
    const oldIPs: string[] = Array.isArray(oldSpec.clusterIPs) ? oldSpec.clusterIPs : oldSpec.clusterIP ? [oldSpec.clusterIP] : [];
    const newIPs: string[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    if (oldIPs.length && newIPs.length && oldIPs[0] !== newIPs[0]) errs.push(fieldErr.invalid('spec.clusterIPs[0]', newIPs, 'may not change once set'));
    else if (oldSpec.clusterIP && spec.clusterIP !== undefined && spec.clusterIP !== oldSpec.clusterIP) errs.push(fieldErr.invalid('spec.clusterIP', spec.clusterIP, 'field is immutable'));
  }
}

function validateCrd(o: K8sObject, spec: O, oldSpec: O | undefined, errs: FieldError[]): void {
  const names = obj(spec.names) as O;
  if (!spec.group) errs.push(fieldErr.required('spec.group', ''));
  if (!names.plural) errs.push(fieldErr.required('spec.names.plural', ''));
  if (!names.kind) errs.push(fieldErr.required('spec.names.kind', ''));
  if (spec.group && names.plural && o.metadata.name !== `${names.plural}.${spec.group}`) {
    errs.push(fieldErr.invalid('metadata.name', o.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!['Cluster', 'Namespaced'].includes(spec.scope)) errs.push(fieldErr.notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  const versions: O[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) errs.push(fieldErr.required('spec.versions', 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    errs.push(fieldErr.raw('spec.versions', 'Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version'));
  }
  versions.forEach((v, i) => {
    if (!isObj(v.schema) || !isObj(v.schema.openAPIV3Schema)) errs.push(fieldErr.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  const stored: unknown[] = Array.isArray(obj(o.status).storedVersions) ? (obj(o.status).storedVersions as unknown[]) : [];
  stored.forEach((v, i) => {
    if (!versions.some((x) => x.name === v)) errs.push(fieldErr.invalid(`status.storedVersions[${i}]`, v, 'must appear in spec.versions'));
  });
  if (oldSpec) {
    if (spec.group !== oldSpec.group) errs.push(fieldErr.invalid('spec.group', spec.group, 'field is immutable'));
    if (spec.scope !== oldSpec.scope) errs.push(fieldErr.invalid('spec.scope', spec.scope, 'field is immutable'));
  }
}
