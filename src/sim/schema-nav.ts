/**
 * What server-side apply and strategic merge need to know about a field: is a list atomic, a set,
 * or a map keyed by some fields; is an object atomic; is it a struct (fixed fields) or a free-form
 * map. Built-ins use the merge keys from the Kubernetes Go types; custom resources use the CRD's
 * x-kubernetes-list-type / list-map-keys / map-type markers.
 */
import { isObj } from './util.js';

export interface ListInfo {
  type: 'atomic' | 'set' | 'map';
  keys: string[];
  /** Values used for absent key fields (containerPort lists default protocol to TCP). */
  keyDefaults: Record<string, unknown>;
  /** Strategic merge patch key (may differ from the SSA keys: container ports merge on containerPort only). */
  patchMergeKey?: string;
  /** Strategic merge: primitive lists with patchStrategy=merge (finalizers). */
  patchMergePrimitives?: boolean;
}

export interface Nav {
  field(name: string): Nav;
  item(): Nav;
  listInfo(): ListInfo;
  /** Object replaced as a whole by apply and strategic merge (x-kubernetes-map-type: atomic). */
  atomicMap(): boolean;
  /** Fixed fields (a Go struct / schema with properties), as opposed to a free-form map. */
  isStruct(): boolean;
}

const ATOMIC: ListInfo = { type: 'atomic', keys: [], keyDefaults: {} };
const SET: ListInfo = { type: 'set', keys: [], keyDefaults: {}, patchMergePrimitives: true };
function mapList(keys: string[], keyDefaults: Record<string, unknown> = {}, patchMergeKey = keys[0]): ListInfo {
  return { type: 'map', keys, keyDefaults, patchMergeKey };
}

// Free-form maps in built-in types (map[string]string and similar): their entries are owned one by one.
const FREE_MAPS = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'stringData',
  'matchLabels',
  'nodeSelector',
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'parameters',
  'hard',
  'used',
  'volumeAttributes',
  'allocatedResources',
  'claims',
]);

// LabelSelector, object references and a few other structs are +structType=atomic upstream.
const ATOMIC_MAPS = new Set([
  'podSelector',
  'namespaceSelector',
  'objectSelector',
  'labelSelector',
  'secretKeyRef',
  'configMapKeyRef',
  'fieldRef',
  'resourceFieldRef',
  'nodeSelectorTerms',
  'matchConditions',
]);

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Navigation over built-in types by field name and ancestry (no full OpenAPI needed). */
export class BuiltinNav implements Nav {
  constructor(
    readonly kind: string,
    readonly names: readonly string[] = [],
  ) {}

  field(name: string): Nav {
    return new BuiltinNav(this.kind, [...this.names, name]);
  }

  item(): Nav {
    return new BuiltinNav(this.kind, [...this.names, '[]']);
  }

  private last(n = 0): string | undefined {
    return this.names[this.names.length - 1 - n];
  }

  listInfo(): ListInfo {
    const name = this.last();
    const p = this.names;
    switch (name) {
      case 'containers':
      case 'initContainers':
      case 'ephemeralContainers':
      case 'env':
      case 'imagePullSecrets':
      case 'resourceClaims':
      case 'webhooks':
        return mapList(['name']);
      case 'versions':
        // CRD versions: keyed for apply, but strategic merge replaces them (no patchStrategy upstream).
        return { ...mapList(['name']), patchMergeKey: undefined };
      case 'volumes':
        return mapList(['name']);
      case 'volumeMounts':
        return mapList(['mountPath']);
      case 'volumeDevices':
        return mapList(['devicePath']);
      case 'hostAliases':
        return mapList(['ip']);
      case 'topologySpreadConstraints':
        return mapList(['topologyKey', 'whenUnsatisfiable'], {}, 'topologyKey');
      case 'conditions':
        return mapList(['type']);
      case 'ownerReferences':
        return mapList(['uid']);
      case 'finalizers':
        return SET;
      case 'ports': {
        // Container ports (inside .containers[]) merge by containerPort+protocol; Service ports by port+protocol.
        if (p.length >= 3 && p[p.length - 2] === '[]' && CONTAINER_LISTS.has(p[p.length - 3])) {
          return mapList(['containerPort', 'protocol'], { protocol: 'TCP' }, 'containerPort');
        }
        if (this.kind === 'Service' && p.length === 2 && p[0] === 'spec') {
          return mapList(['port', 'protocol'], { protocol: 'TCP' }, 'port');
        }
        return ATOMIC;
      }
      default:
        return ATOMIC;
    }
  }

  atomicMap(): boolean {
    const name = this.last();
    if (!name) return false;
    if (ATOMIC_MAPS.has(name)) return true;
    // spec.selector is a LabelSelector everywhere except Service and ReplicationController (plain maps).
    if (name === 'selector') return !(this.kind === 'Service' || this.kind === 'ReplicationController') || this.names.length > 2;
    return false;
  }

  isStruct(): boolean {
    const name = this.last();
    if (name === undefined) return true;
    if (name === 'selector' && (this.kind === 'Service' || this.kind === 'ReplicationController')) return false;
    return !FREE_MAPS.has(name);
  }
}

/** Deduced types for preserve-unknown-fields subtrees: maps granular, lists atomic. */
export class DeducedNav implements Nav {
  field(): Nav {
    return this;
  }
  item(): Nav {
    return this;
  }
  listInfo(): ListInfo {
    return ATOMIC;
  }
  atomicMap(): boolean {
    return false;
  }
  isStruct(): boolean {
    return false;
  }
}

type Schema = Record<string, any>;

/** Navigation over a CRD version's openAPIV3Schema; metadata uses the built-in ObjectMeta rules. */
export class CrdNav implements Nav {
  constructor(
    private readonly schema: Schema | undefined,
    private readonly depth = 0,
  ) {}

  field(name: string): Nav {
    if (this.depth === 0 && name === 'metadata') return new BuiltinNav('', ['metadata']);
    const s = this.schema;
    if (!s) return new DeducedNav();
    const props = isObj(s.properties) ? (s.properties as Schema) : undefined;
    if (props && isObj(props[name])) return new CrdNav(props[name] as Schema, this.depth + 1);
    if (isObj(s.additionalProperties)) return new CrdNav(s.additionalProperties as Schema, this.depth + 1);
    return new DeducedNav();
  }

  item(): Nav {
    const s = this.schema;
    if (s && isObj(s.items)) return new CrdNav(s.items as Schema, this.depth + 1);
    return new DeducedNav();
  }

  listInfo(): ListInfo {
    const s = this.schema ?? {};
    const t = s['x-kubernetes-list-type'];
    if (t === 'set') return SET;
    if (t === 'map') {
      const keys: string[] = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'].map(String) : [];
      const defaults: Record<string, unknown> = {};
      const itemProps = isObj(s.items) && isObj((s.items as Schema).properties) ? ((s.items as Schema).properties as Schema) : {};
      for (const k of keys) if (isObj(itemProps[k]) && 'default' in itemProps[k]) defaults[k] = itemProps[k].default;
      return mapList(keys, defaults);
    }
    return ATOMIC;
  }

  atomicMap(): boolean {
    return this.schema?.['x-kubernetes-map-type'] === 'atomic';
  }

  isStruct(): boolean {
    const s = this.schema;
    return !!s && isObj(s.properties) && !s.additionalProperties;
  }
}
