/**
 * A container's environment as the kubelet builds it: envFrom (ConfigMaps and Secrets, with
 * prefix) first, then env in order (value with $(VAR) expansion, fieldRef, resourceFieldRef,
 * secretKeyRef, configMapKeyRef), and $(VAR) in command and args. Missing optional sources are
 * skipped; a missing required one is an error, as CreateContainerConfigError would be.
 */
import type { K8sObject } from '../../core/object.js';
import type { Store } from '../store.js';
import { arr, isObj, obj } from '../util.js';

type O = Record<string, any>;

export class EnvError extends Error {}

function decoded(o: K8sObject | undefined, kind: 'Secret' | 'ConfigMap'): Record<string, string> {
  const out: Record<string, string> = {};
  if (!o) return out;
  if (kind === 'Secret') for (const [k, v] of Object.entries(obj((o as O).data))) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
  else {
    for (const [k, v] of Object.entries(obj((o as O).data))) out[k] = String(v);
    for (const [k, v] of Object.entries(obj((o as O).binaryData))) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
  }
  return out;
}

/** Kubernetes dependent-variable expansion: $(NAME) when defined, $$ escapes, anything else kept. */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m));
}

function fieldValue(pod: K8sObject, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  const spec = obj(pod.spec) as O;
  const status = obj(pod.status) as O;
  const values: Record<string, unknown> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName ?? 'default',
    'status.hostIP': status.hostIP,
    'status.podIP': status.podIP,
    'status.hostIPs': arr(status.hostIPs).map((x) => obj(x).ip).join(','),
    'status.podIPs': arr(status.podIPs).map((x) => obj(x).ip).join(','),
  };
  if (!(path in values)) throw new EnvError(`unsupported fieldRef ${path}`);
  return String(values[path] ?? '');
}

function quantity(q: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? '0'));
  if (!m) return 0;
  const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (units[m[2]] ?? 1);
}

function resourceValue(container: O, ref: O): string {
  const [kind, resource] = String(ref.resource).split('.');
  const value = quantity(obj(obj(container.resources)[kind])[resource]);
  return String(Math.ceil(value / quantity(ref.divisor ?? '1')));
}

export function containerEnv(store: Store, pod: K8sObject, container: O): Record<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const source = (kind: 'Secret' | 'ConfigMap', name: string, optional: unknown): Record<string, string> | undefined => {
    const o = store.get(kind === 'Secret' ? '/secrets' : '/configmaps', ns, name);
    if (!o && !optional) throw new EnvError(`${kind.toLowerCase()} "${name}" not found`);
    return o ? decoded(o, kind) : undefined;
  };
  const env: Record<string, string> = {};
  for (const ef of arr(container.envFrom).map(obj) as O[]) {
    const ref = isObj(ef.secretRef) ? ef.secretRef : ef.configMapRef;
    const data = source(isObj(ef.secretRef) ? 'Secret' : 'ConfigMap', String(obj(ref).name), obj(ref).optional) ?? {};
    for (const [k, v] of Object.entries(data)) env[`${ef.prefix ?? ''}${k}`] = v;
  }
  for (const e of arr(container.env).map(obj) as O[]) {
    const vf = obj(e.valueFrom) as O;
    if (typeof e.value === 'string') env[e.name] = expand(e.value, env);
    else if (isObj(vf.fieldRef)) env[e.name] = fieldValue(pod, String(vf.fieldRef.fieldPath));
    else if (isObj(vf.resourceFieldRef)) env[e.name] = resourceValue(container, vf.resourceFieldRef);
    else if (isObj(vf.secretKeyRef) || isObj(vf.configMapKeyRef)) {
      const secret = isObj(vf.secretKeyRef);
      const ref = (secret ? vf.secretKeyRef : vf.configMapKeyRef) as O;
      const data = source(secret ? 'Secret' : 'ConfigMap', String(ref.name), ref.optional);
      if (data && ref.key in data) env[e.name] = data[ref.key];
      else if (data && !ref.optional) throw new EnvError(`couldn't find key ${ref.key} in ${secret ? 'Secret' : 'ConfigMap'} ${ns}/${ref.name}`);
    } else env[e.name] = '';
  }
  return env;
}

/** command + args with $(VAR) expanded (the image's entrypoint is unknown here: a container without command yields []). */
export function containerCommand(container: O, env: Record<string, string>): string[] {
  const command = arr(container.command).map(String);
  if (!command.length) return [];
  return [...command, ...arr(container.args).map(String)].map((a) => expand(a, env));
}
