/**
 * A container's volume mounts, materialised in a temporary directory for a program run on this
 * machine: ConfigMap, Secret and projected volumes as files (items, modes, subPath), the service
 * account token when it is automounted, everything else as an empty directory. `local()` maps a
 * path the container would see to the file on this machine.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { K8sObject } from '../../core/object.js';
import type { Store } from '../store.js';
import { arr, isObj, obj } from '../util.js';
import type { Container } from './types.js';

type O = Record<string, any>;

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function files(store: Store, ns: string, v: O): Map<string, { text: string; mode: number }> | undefined {
  const out = new Map<string, { text: string; mode: number }>();
  const add = (data: Record<string, string>, items: unknown, defaultMode: number) => {
    const list = arr(items).map(obj) as O[];
    if (list.length) for (const it of list) out.set(String(it.path), { text: data[it.key] ?? '', mode: Number(it.mode ?? defaultMode) });
    else for (const [k, text] of Object.entries(data)) out.set(k, { text, mode: defaultMode });
  };
  const configMap = (ref: O, mode: number) => {
    const cm = store.get('/configmaps', ns, String(ref.name)) as O | undefined;
    const data: Record<string, string> = { ...obj(cm?.data) } as Record<string, string>;
    for (const [k, b] of Object.entries(obj(cm?.binaryData))) data[k] = Buffer.from(String(b), 'base64').toString('utf8');
    add(data, ref.items, Number(ref.defaultMode ?? mode));
  };
  const secret = (ref: O, name: string, mode: number) => {
    const s = store.get('/secrets', ns, name) as O | undefined;
    const data = Object.fromEntries(Object.entries(obj(s?.data)).map(([k, b]) => [k, Buffer.from(String(b), 'base64').toString('utf8')]));
    add(data, ref.items, Number(ref.defaultMode ?? mode));
  };
  if (isObj(v.configMap)) configMap(v.configMap, 0o644);
  else if (isObj(v.secret)) secret(v.secret, String(v.secret.secretName), 0o644);
  else if (isObj(v.projected)) {
    const mode = Number(v.projected.defaultMode ?? 0o644);
    for (const src of arr(v.projected.sources).map(obj) as O[]) {
      if (isObj(src.configMap)) configMap(src.configMap, mode);
      if (isObj(src.secret)) secret(src.secret, String(src.secret.name), mode);
    }
  } else return undefined;
  return out;
}

export class MaterialisedVolumes {
  /** Container path -> path on this machine, longest first. */
  private readonly mounts: [string, string][] = [];

  constructor(
    private readonly dir: string,
    store: Store,
    pod: K8sObject,
    container: Container,
    serviceAccountToken?: string,
  ) {
    const ns = pod.metadata.namespace ?? 'default';
    const volumes = arr(obj(pod.spec).volumes).map(obj) as O[];
    for (const m of arr(container.volumeMounts).map(obj) as O[]) {
      const v = volumes.find((x) => x.name === m.name);
      const staging = join(dir, 'volumes', String(m.name));
      mkdirSync(staging, { recursive: true });
      for (const [path, f] of v ? (files(store, ns, v) ?? []) : []) {
        const target = join(staging, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, f.text);
        chmodSync(target, f.mode & 0o777 || 0o644);
      }
      this.mounts.push([String(m.mountPath).replace(/\/+$/, ''), m.subPath ? join(staging, String(m.subPath)) : staging]);
    }
    if (serviceAccountToken !== undefined && !this.mounts.some(([p]) => p === SERVICE_ACCOUNT_DIR)) {
      const sa = join(dir, 'serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), serviceAccountToken, { mode: 0o600 });
      writeFileSync(join(sa, 'namespace'), ns);
      this.mounts.push([SERVICE_ACCOUNT_DIR, sa]);
    }
    this.mounts.sort((a, b) => b[0].length - a[0].length);
  }

  /** The file on this machine for a path inside the container (paths outside every mount are unchanged). */
  local(path: string): string {
    for (const [mount, local] of this.mounts) {
      if (path === mount) return local;
      if (path.startsWith(`${mount}/`)) return join(local, path.slice(mount.length + 1));
    }
    return path;
  }

  /** Whether a container path lies on a mounted volume. */
  mounted(path: string): boolean {
    return this.local(path) !== path;
  }

  get root(): string {
    return this.dir;
  }
}
