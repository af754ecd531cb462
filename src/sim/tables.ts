/**
 * Server-side printing: `kubectl get` asks for meta.k8s.io/v1 Table and prints the cells as sent,
 * so the columns here are what people see. Built-ins get the apiserver's usual columns; custom
 * resources get their additionalPrinterColumns (or Name/Age).
 */
import type { K8sObject } from '../core/object.js';
import type { ResourceType } from './resources.js';
import { arr, humanAge, isObj, obj } from './util.js';

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

type Cell = string | number | boolean | null;

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };
const col = (name: string, type = 'string', priority = 0): Column => ({ name, type, priority });

type Row = (o: any) => Cell[];

const PRINTERS: Record<string, { columns: Column[]; row: Row }> = {
  Namespace: { columns: [NAME, col('Status'), AGE], row: (o) => [o.metadata.name, o.status?.phase ?? '', age(o)] },
  Pod: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts', 'string'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    row: (o) => {
      const statuses = arr(o.status?.containerStatuses).map(obj);
      const total = arr(o.spec?.containers).length;
      const ready = statuses.filter((s) => s.ready === true).length;
      const restarts = statuses.reduce((n, s) => n + Number(s.restartCount ?? 0), 0);
      return [o.metadata.name, `${ready}/${total}`, podStatus(o), String(restarts), age(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>'];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o), ...containerCols(o.spec?.template?.spec), selectorText(o.spec?.selector)],
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o), ...containerCols(o.spec?.template?.spec), selectorText(o.spec?.selector)],
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    row: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o), ...containerCols(o.spec?.template?.spec)],
  },
  DaemonSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE],
    row: (o) => [
      o.metadata.name,
      o.status?.desiredNumberScheduled ?? 0,
      o.status?.currentNumberScheduled ?? 0,
      o.status?.numberReady ?? 0,
      o.status?.updatedNumberScheduled ?? 0,
      o.status?.numberAvailable ?? 0,
      Object.entries(obj(o.spec?.template?.spec?.nodeSelector)).map(([k, v]) => `${k}=${v}`).join(',') || '<none>',
      age(o),
    ],
  },
  Job: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE],
    row: (o) => {
      const conds = arr(o.status?.conditions).map(obj);
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : o.spec?.suspend ? 'Suspended' : has('FailureTarget') ? 'FailureTarget' : 'Running';
      const start = o.status?.startTime ? Date.parse(o.status.startTime) : undefined;
      const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : Date.now();
      const duration = start ? humanAge(new Date(start).toISOString(), end) : '';
      return [o.metadata.name, status, `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, duration, age(o)];
    },
  },
  Service: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    row: (o) => {
      const ingress = arr(o.status?.loadBalancer?.ingress).map((i) => obj(i).ip ?? obj(i).hostname);
      const external = o.spec?.type === 'LoadBalancer' ? (ingress.length ? ingress.join(',') : '<pending>') : o.spec?.type === 'ExternalName' ? o.spec.externalName : '<none>';
      const ports = arr(o.spec?.ports).map((p) => {
        const q = obj(p);
        return q.nodePort ? `${q.port}:${q.nodePort}/${q.protocol}` : `${q.port}/${q.protocol}`;
      });
      return [o.metadata.name, o.spec?.type ?? '', o.spec?.clusterIP ?? '<none>', external, ports.join(',') || '<none>', age(o), Object.entries(obj(o.spec?.selector)).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'];
    },
  },
  ConfigMap: { columns: [NAME, col('Data', 'integer'), AGE], row: (o) => [o.metadata.name, Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, age(o)] },
  Secret: { columns: [NAME, col('Type'), col('Data', 'integer'), AGE], row: (o) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(obj(o.data)).length, age(o)] },
  PersistentVolumeClaim: {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, col('VolumeMode', 'string', 1)],
    row: (o) => [o.metadata.name, o.status?.phase ?? '', o.spec?.volumeName ?? '', o.status?.capacity?.storage ?? '', accessModes(o.status?.accessModes), o.spec?.storageClassName ?? '<unset>', '<unset>', age(o), o.spec?.volumeMode ?? ''],
  },
  PersistentVolume: {
    columns: [NAME, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), AGE],
    row: (o) => [o.metadata.name, o.spec?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? '', o.status?.phase ?? '', o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '', o.spec?.storageClassName ?? '', '<unset>', o.status?.reason ?? '', age(o)],
  },
  Node: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version')],
    row: (o) => [o.metadata.name, arr(o.status?.conditions).some((c) => obj(c).type === 'Ready' && obj(c).status === 'True') ? 'Ready' : 'NotReady', nodeRoles(o.metadata.labels), age(o), o.status?.nodeInfo?.kubeletVersion ?? ''],
  },
  EndpointSlice: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    row: (o) => [o.metadata.name, o.addressType ?? '', arr(o.ports).map((p) => String(obj(p).port)).join(',') || '<unset>', arr(o.endpoints).flatMap((e) => arr(obj(e).addresses)).join(',') || '<unset>', age(o)],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    // events.k8s.io/v1 names the same fields differently (regarding, note, deprecatedLastTimestamp).
    row: (o) => {
      const about = o.involvedObject ?? o.regarding;
      return [humanAge(o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp), o.type ?? '', o.reason ?? '', `${String(about?.kind ?? '').toLowerCase()}/${about?.name ?? ''}`, o.message ?? o.note ?? ''];
    },
  },
  ServiceAccount: { columns: [NAME, AGE], row: (o) => [o.metadata.name, age(o)] },
};

/** kubectl's ROLES column: node-role.kubernetes.io/<role> labels. */
function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = Object.keys(labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function age(o: K8sObject): string {
  return humanAge(o.metadata.creationTimestamp as string | undefined);
}

function accessModes(modes: unknown): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return arr(modes)
    .map((m) => short[String(m)] ?? String(m))
    .join(',');
}

function containerCols(spec: any): [string, string] {
  const cs = arr(spec?.containers).map(obj);
  return [cs.map((c) => String(c.name)).join(','), cs.map((c) => String(c.image)).join(',')];
}

function selectorText(sel: any): string {
  const ml = Object.entries(obj(sel?.matchLabels)).map(([k, v]) => `${k}=${v}`);
  return ml.join(',') || '<none>';
}

/** The STATUS column kubectl shows for a pod (waiting/terminated reasons win over the phase). */
export function podStatus(o: any): string {
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  let reason: string = o.status?.reason ?? o.status?.phase ?? 'Unknown';
  const init = arr(o.status?.initContainerStatuses).map(obj);
  for (let i = 0; i < init.length; i++) {
    const st = obj(init[i].state);
    if (obj(st.terminated).exitCode === 0) continue;
    if (st.waiting && obj(st.waiting).reason && obj(st.waiting).reason !== 'PodInitializing') return `Init:${obj(st.waiting).reason}`;
    return `Init:${i}/${arr(o.spec?.initContainers).length}`;
  }
  for (const s of arr(o.status?.containerStatuses).map(obj)) {
    const st = obj(s.state);
    if (isObj(st.waiting) && st.waiting.reason) reason = String(st.waiting.reason);
    else if (isObj(st.terminated) && st.terminated.reason) reason = String(st.terminated.reason);
  }
  return reason;
}

/** A small JSONPath subset for printer columns: .a.b, [n], [*], [?(@.k=="v")]. */
export function evalJsonPath(root: unknown, path: string): unknown[] {
  const p = path.trim().replace(/^\{|\}$/g, '').replace(/^\$/, '');
  let cur: unknown[] = [root];
  const re = /\.([A-Za-z0-9_\-/]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.\-]+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p))) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (m[1] !== undefined || m[5] !== undefined) {
        const key = m[1] ?? m[5];
        if (isObj(v) && v[key] !== undefined) next.push(v[key]);
      } else if (m[2] !== undefined) {
        if (Array.isArray(v) && v[Number(m[2])] !== undefined) next.push(v[Number(m[2])]);
      } else if (m[3] !== undefined) {
        if (Array.isArray(v)) {
          for (const item of v) {
            let field: unknown = item;
            for (const part of m[3].split('.')) field = isObj(field) ? field[part] : undefined;
            if (String(field) === m[4]) next.push(item);
          }
        }
      } else if (Array.isArray(v)) next.push(...v);
      else if (isObj(v)) next.push(...Object.values(v));
    }
    cur = next;
  }
  return cur;
}

function customPrinter(rt: ResourceType): { columns: Column[]; row: Row } {
  const pcs = rt.crd?.printerColumns ?? [];
  if (pcs.length === 0) return { columns: [NAME, AGE], row: (o) => [o.metadata.name, age(o)] };
  return {
    columns: [NAME, ...pcs.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description ?? '', priority: c.priority ?? 0 }))],
    row: (o) => [
      o.metadata.name,
      ...pcs.map((c) => {
        const vals = evalJsonPath(o, c.jsonPath);
        if (vals.length === 0) return null;
        const v = vals[0];
        if (c.type === 'date') return humanAge(String(v));
        if (typeof v === 'object') return JSON.stringify(v);
        return v as Cell;
      }),
    ],
  };
}

const DEFAULT_PRINTER = {
  columns: [NAME, { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  row: (o: any) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(rt: ResourceType, objects: K8sObject[], resourceVersion: string, include: IncludeObject, extraMeta: Record<string, unknown> = {}): Record<string, unknown> {
  const printer = rt.crd ? customPrinter(rt) : (PRINTERS[rt.kind] ?? DEFAULT_PRINTER);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...extraMeta },
    columnDefinitions: printer.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: printer.row(o) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
      return row;
    }),
  };
}
