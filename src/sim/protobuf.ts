/**
 * Decoding of Kubernetes protobuf request bodies for the few types that kubectl's and Helm's typed
 * clients send that way (Secrets and Namespaces for Helm's release storage, `kubectl create
 * secret|configmap|namespace|serviceaccount|service|deployment`, and DeleteOptions). Responses stay
 * JSON: those clients accept it. Field numbers are those of the upstream generated.proto files.
 * A field the tables below do not know is refused (415) rather than silently dropped, unless it is
 * empty (gogo-protobuf sends unset non-pointer fields too).
 */
import { ApiError } from './errors.js';
import { k8sTime } from './util.js';

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'intstr' | 'quantity' | 'fieldsv1';
type Kind = Scalar | Msg;

interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
  /** map<string, kind> */
  map?: boolean;
  /** Pointer fields in Go: their zero value was sent on purpose and must be kept. */
  keep?: boolean;
}

interface Msg {
  name: string;
  fields: Record<number, Field>;
}

const f = (name: string, kind: Kind, extra: Partial<Field> = {}): Field => ({ name, kind, ...extra });
const msg = (name: string, fields: Record<number, Field>): Msg => ({ name, fields });

const FieldsV1 = 'fieldsv1';
const TimeK = 'time';

const OwnerReference = msg('OwnerReference', {
  5: f('apiVersion', 'string'),
  1: f('kind', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  6: f('controller', 'bool', { keep: true }),
  7: f('blockOwnerDeletion', 'bool', { keep: true }),
});

const ManagedFieldsEntry = msg('ManagedFieldsEntry', {
  1: f('manager', 'string'),
  2: f('operation', 'string'),
  3: f('apiVersion', 'string'),
  4: f('time', TimeK),
  6: f('fieldsType', 'string'),
  7: f('fieldsV1', FieldsV1),
  8: f('subresource', 'string'),
});

const ObjectMeta = msg('ObjectMeta', {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  4: f('selfLink', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', TimeK),
  9: f('deletionTimestamp', TimeK),
  10: f('deletionGracePeriodSeconds', 'int', { keep: true }),
  11: f('labels', 'string', { map: true }),
  12: f('annotations', 'string', { map: true }),
  13: f('ownerReferences', OwnerReference, { repeated: true }),
  14: f('finalizers', 'string', { repeated: true }),
  17: f('managedFields', ManagedFieldsEntry, { repeated: true }),
});

const LabelSelector = msg('LabelSelector', {
  1: f('matchLabels', 'string', { map: true }),
  2: f('matchExpressions', msg('LabelSelectorRequirement', { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', { repeated: true }) }), { repeated: true }),
});

const Container = msg('Container', {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', { repeated: true }),
  4: f('args', 'string', { repeated: true }),
  5: f('workingDir', 'string'),
  6: f('ports', msg('ContainerPort', { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') }), { repeated: true }),
  7: f('env', msg('EnvVar', { 1: f('name', 'string'), 2: f('value', 'string') }), { repeated: true }),
  8: f('resources', msg('ResourceRequirements', { 1: f('limits', 'quantity', { map: true }), 2: f('requests', 'quantity', { map: true }) })),
});

const PodTemplateSpec = msg('PodTemplateSpec', {
  1: f('metadata', ObjectMeta),
  2: f('spec', msg('PodSpec', { 2: f('containers', Container, { repeated: true }), 3: f('restartPolicy', 'string') })),
});

const TYPES: Record<string, Msg> = {
  'v1/Secret': msg('Secret', {
    1: f('metadata', ObjectMeta),
    2: f('data', 'bytes', { map: true }),
    3: f('type', 'string'),
    4: f('stringData', 'string', { map: true }),
    5: f('immutable', 'bool', { keep: true }),
  }),
  'v1/ConfigMap': msg('ConfigMap', {
    1: f('metadata', ObjectMeta),
    2: f('data', 'string', { map: true }),
    3: f('binaryData', 'bytes', { map: true }),
    4: f('immutable', 'bool', { keep: true }),
  }),
  'v1/Namespace': msg('Namespace', {
    1: f('metadata', ObjectMeta),
    2: f('spec', msg('NamespaceSpec', { 1: f('finalizers', 'string', { repeated: true }) })),
    3: f('status', msg('NamespaceStatus', { 1: f('phase', 'string') })),
  }),
  'v1/ServiceAccount': msg('ServiceAccount', {
    1: f('metadata', ObjectMeta),
    3: f('imagePullSecrets', msg('LocalObjectReference', { 1: f('name', 'string') }), { repeated: true }),
    4: f('automountServiceAccountToken', 'bool', { keep: true }),
  }),
  'v1/Service': msg('Service', {
    1: f('metadata', ObjectMeta),
    2: f(
      'spec',
      msg('ServiceSpec', {
        1: f('ports', msg('ServicePort', { 1: f('name', 'string'), 2: f('protocol', 'string'), 6: f('appProtocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'intstr'), 5: f('nodePort', 'int') }), { repeated: true }),
        2: f('selector', 'string', { map: true }),
        3: f('clusterIP', 'string'),
        18: f('clusterIPs', 'string', { repeated: true }),
        4: f('type', 'string'),
        5: f('externalIPs', 'string', { repeated: true }),
        7: f('sessionAffinity', 'string'),
        10: f('externalName', 'string'),
      }),
    ),
    3: f('status', msg('ServiceStatus', {})),
  }),
  'apps/v1/Deployment': msg('Deployment', {
    1: f('metadata', ObjectMeta),
    2: f(
      'spec',
      msg('DeploymentSpec', {
        1: f('replicas', 'int', { keep: true }),
        2: f('selector', LabelSelector),
        3: f('template', PodTemplateSpec),
        4: f('strategy', msg('DeploymentStrategy', { 1: f('type', 'string'), 2: f('rollingUpdate', msg('RollingUpdateDeployment', { 1: f('maxUnavailable', 'intstr'), 2: f('maxSurge', 'intstr') })) })),
        5: f('minReadySeconds', 'int'),
        6: f('revisionHistoryLimit', 'int', { keep: true }),
        7: f('paused', 'bool'),
        9: f('progressDeadlineSeconds', 'int', { keep: true }),
      }),
    ),
    3: f('status', msg('DeploymentStatus', {})),
  }),
  'meta.k8s.io/v1/DeleteOptions': msg('DeleteOptions', {
    1: f('gracePeriodSeconds', 'int', { keep: true }),
    2: f('preconditions', msg('Preconditions', { 1: f('uid', 'string'), 2: f('resourceVersion', 'string') })),
    3: f('orphanDependents', 'bool', { keep: true }),
    4: f('propagationPolicy', 'string'),
    5: f('dryRun', 'string', { repeated: true }),
  }),
};
// Typed clients encode DeleteOptions under whichever group they call.
TYPES['v1/DeleteOptions'] = TYPES['meta.k8s.io/v1/DeleteOptions'];

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw unsupported('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw unsupported(`wire type ${wire}`);
  }
}

function unsupported(what: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the simulator cannot decode this protobuf body (${what}); send application/json`, {});
}

function toInt(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeMessage(buf: Buffer, m: Msg): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = m.fields[num];
    if (!field) {
      // gogo-protobuf sends every non-pointer field, set or not: empty ones carry nothing.
      if (wire === 0 && r.varint() === 0n) continue;
      if (wire === 2 && r.bytes().length === 0) continue;
      throw unsupported(`field ${num} of ${m.name}`);
    }
    if (field.map) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value: unknown;
      while (!entry.done()) {
        const t = Number(entry.varint());
        if (t >>> 3 === 1) key = entry.bytes().toString('utf8');
        else if (t >>> 3 === 2) value = decodeValue(entry, t & 7, field.kind);
        else entry.skip(t & 7);
      }
      const map = (out[field.name] as Record<string, unknown> | undefined) ?? {};
      map[key] = value ?? (field.kind === 'string' || field.kind === 'bytes' ? '' : value);
      out[field.name] = map;
      continue;
    }
    const value = decodeValue(r, wire, field.kind);
    if (field.repeated) {
      const list = (out[field.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[field.name] = list;
    } else out[field.name] = value;
  }
  return omitEmpty(out, m);
}

function decodeValue(r: Reader, wire: number, kind: Kind): unknown {
  if (typeof kind === 'object') return decodeMessage(r.bytes(), kind);
  switch (kind) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'int':
      return toInt(r.varint());
    case 'bool':
      return r.varint() !== 0n;
    case 'quantity': {
      const q = decodeMessage(r.bytes(), msg('Quantity', { 1: f('string', 'string') }));
      return q.string ?? '0';
    }
    case 'fieldsv1': {
      const raw = decodeMessage(r.bytes(), msg('FieldsV1', { 1: f('Raw', 'bytes') }));
      return raw.Raw ? JSON.parse(Buffer.from(String(raw.Raw), 'base64').toString('utf8')) : {};
    }
    case 'time': {
      const t = decodeMessage(r.bytes(), msg('Time', { 1: f('seconds', 'int'), 2: f('nanos', 'int') }));
      return t.seconds ? k8sTime(new Date(Number(t.seconds) * 1000)) : undefined;
    }
    case 'intstr': {
      const v = new Reader(r.bytes());
      let type = 0;
      let intVal = 0;
      let strVal = '';
      while (!v.done()) {
        const t = Number(v.varint());
        if (t >>> 3 === 1) type = toInt(v.varint());
        else if (t >>> 3 === 2) intVal = toInt(v.varint());
        else if (t >>> 3 === 3) strVal = v.bytes().toString('utf8');
        else v.skip(t & 7);
      }
      return type === 1 ? strVal : intVal;
    }
  }
  void wire;
  return undefined;
}

/** Go's JSON would omit these (omitempty) while gogo-protobuf always sends non-pointer fields. */
function omitEmpty(o: Record<string, unknown>, m: Msg): Record<string, unknown> {
  const keepers = new Set(Object.values(m.fields).filter((x) => x.keep).map((x) => x.name));
  for (const [k, v] of Object.entries(o)) {
    if (keepers.has(k)) continue;
    if (v === undefined || v === '' || v === 0 || v === false) delete o[k];
    else if (Array.isArray(v) && v.length === 0) delete o[k];
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0 && k !== 'resources' && k !== 'data') delete o[k];
  }
  return o;
}

/** Decodes a `k8s\0` + runtime.Unknown body into the JSON form of the object. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupported('missing the k8s protobuf prefix');
  const r = new Reader(body.subarray(4));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  while (!r.done()) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    if (num === 1) {
      const tm = new Reader(r.bytes());
      while (!tm.done()) {
        const t = Number(tm.varint());
        if (t >>> 3 === 1) apiVersion = tm.bytes().toString('utf8');
        else if (t >>> 3 === 2) kind = tm.bytes().toString('utf8');
        else tm.skip(t & 7);
      }
    } else if (num === 2) raw = Buffer.from(r.bytes());
    else r.skip(tag & 7);
  }
  const schema = TYPES[`${apiVersion}/${kind}`];
  if (!schema) throw unsupported(`type ${apiVersion}/${kind} is not modelled`);
  const obj = decodeMessage(raw ?? Buffer.alloc(0), schema);
  if (kind === 'DeleteOptions') return obj;
  return { apiVersion, kind, ...obj };
}
