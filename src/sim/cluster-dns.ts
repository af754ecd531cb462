/**
 * Cluster DNS for programs the simulator runs on this machine: `<svc>.<ns>.svc[.cluster.local][:port]`
 * in a string becomes `127.0.0.1:<port>` of a ready pod behind that Service whose container the
 * simulator fronts (LoopbackBackends). The path is the real one: Service port -> EndpointSlice
 * (resolved target port, ready endpoints) -> Pod. A name nothing fronts is left alone, so the
 * program fails to resolve it, as it would in a cluster without that Service.
 */
import type { Store } from './store.js';
import type { LoopbackBackends } from './loopback.js';
import { arr, obj } from './util.js';

const SERVICE_HOST = /(?:\b(https?):\/\/)?\b([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\.?(?::(\d+))?(?![-a-z0-9.])/g;

/** The loopback address (127.0.0.1:port) serving `service`'s `port` in `namespace`, if any pod behind it is fronted. */
export function serviceBackend(store: Store, backends: LoopbackBackends, namespace: string, service: string, port?: number, scheme?: string): string | undefined {
  const svc = store.get('/services', namespace, service);
  if (!svc) return undefined;
  const ports = arr(obj(svc.spec).ports).map(obj);
  const wanted = port ?? (scheme === 'https' ? 443 : scheme === 'http' ? 80 : ports.length === 1 ? Number(ports[0].port) : undefined);
  const sp = ports.find((p) => Number(p.port) === wanted);
  if (!sp) return undefined;
  for (const slice of store.list('discovery.k8s.io/endpointslices', namespace)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== service) continue;
    const target = arr((slice as Record<string, unknown>).ports).map(obj).find((p) => (p.name ?? '') === (sp.name ?? ''));
    if (!target) continue;
    for (const e of arr((slice as Record<string, unknown>).endpoints).map(obj)) {
      const ref = obj(e.targetRef);
      if (obj(e.conditions).ready !== true || ref.kind !== 'Pod') continue;
      const local = backends.lookup(namespace, String(ref.name), Number(target.port));
      if (local) return `127.0.0.1:${local}`;
    }
  }
  return undefined;
}

/** Rewrites every fronted Service address in `text`; other text is unchanged. */
export function resolveServiceAddresses(text: string, store: Store, backends: LoopbackBackends): string {
  return text.replace(SERVICE_HOST, (match, scheme: string | undefined, service: string, namespace: string, port: string | undefined) => {
    const local = serviceBackend(store, backends, namespace, service, port ? Number(port) : undefined, scheme);
    if (!local) return match;
    return scheme ? `${scheme}://${local}` : local;
  });
}
