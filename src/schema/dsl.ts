/**
 * A small schema language for chart values: one declaration gives the TypeScript type, the
 * documented defaults, the JSON Schema (for editors) and the validator with key paths and
 * "did you mean" hints. Hand-written rather than zod so errors read like Helm users expect and
 * the CLI starts fast.
 */

export interface BaseOpts<T> {
  description?: string;
  default?: T;
  /** Shown in `show values` next to the key, e.g. how a derived default resolves. */
  note?: string;
}

export interface StringNode extends BaseOpts<string> {
  type: 'string';
  enum?: readonly string[];
  pattern?: string;
  patternHint?: string;
  nullable?: boolean;
}
export interface IntNode extends BaseOpts<number> {
  type: 'integer';
  minimum?: number;
  maximum?: number;
}
export interface BoolNode extends BaseOpts<boolean> {
  type: 'boolean';
}
export interface ObjectNode extends BaseOpts<Record<string, unknown>> {
  type: 'object';
  properties: Record<string, SchemaNode>;
}
export interface ArrayNode extends BaseOpts<unknown[]> {
  type: 'array';
  items: SchemaNode;
}
export interface MapNode extends BaseOpts<Record<string, unknown>> {
  type: 'map';
  values: SchemaNode;
}
/** Free-form YAML passed through to Kubernetes or to LiteLLM (affinity, resources, extra settings). */
export interface AnyNode extends BaseOpts<unknown> {
  type: 'any';
  shape?: 'object' | 'array';
}
/** A Kubernetes quantity or other value users write either as a number or a string ("1", 1, "500m"). */
export interface ScalarNode extends BaseOpts<string | number> {
  type: 'scalar';
}

export type SchemaNode = StringNode | IntNode | BoolNode | ObjectNode | ArrayNode | MapNode | AnyNode | ScalarNode;

type Opts<N extends SchemaNode> = Omit<N, 'type' | 'properties' | 'items' | 'values'>;

export const s = {
  string: (o: Opts<StringNode> = {}): StringNode => ({ type: 'string', ...o }),
  int: (o: Opts<IntNode> = {}): IntNode => ({ type: 'integer', ...o }),
  bool: (o: Opts<BoolNode> = {}): BoolNode => ({ type: 'boolean', ...o }),
  scalar: (o: Opts<ScalarNode> = {}): ScalarNode => ({ type: 'scalar', ...o }),
  any: (o: Opts<AnyNode> = {}): AnyNode => ({ type: 'any', ...o }),
  object: <P extends Record<string, SchemaNode>>(properties: P, o: Opts<ObjectNode> = {}) =>
    ({ type: 'object', properties, ...o }) as Omit<ObjectNode, 'properties'> & { properties: P },
  array: <I extends SchemaNode>(items: I, o: Opts<ArrayNode> = {}) => ({ type: 'array', items, ...o }) as Omit<ArrayNode, 'items'> & { items: I },
  map: <V extends SchemaNode>(values: V, o: Opts<MapNode> = {}) => ({ type: 'map', values, ...o }) as Omit<MapNode, 'values'> & { values: V },
};

/** The TypeScript type of the values a schema accepts (after defaults are applied). */
export type Infer<N> = N extends { type: 'object'; properties: infer P }
  ? { [K in keyof P]: Infer<P[K]> }
  : N extends { type: 'array'; items: infer I }
    ? Infer<I>[]
    : N extends { type: 'map'; values: infer V }
      ? Record<string, Infer<V>>
      : N extends { type: infer T }
        ? T extends 'string'
          ? N extends { nullable: true } ? string | null : string
          : T extends 'integer'
            ? number
            : T extends 'boolean'
              ? boolean
              : T extends 'scalar'
                ? string | number
                : any
        : never;

/** The documented defaults: what `show values` prints and what user values coalesce onto. */
export function defaultsOf(node: SchemaNode): unknown {
  if (node.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) {
      const value = defaultsOf(child);
      if (value !== undefined) out[key] = value;
    }
    return node.default !== undefined ? copyOf(node.default) : out;
  }
  return node.default === undefined ? undefined : copyOf(node.default);
}

/** A default the caller may change: objects are copied, primitives are already values. */
function copyOf<T>(value: T): T {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

/**
 * Fills defaults inside list items and map values, which Helm's coalescing cannot reach: a pooler
 * given as {name: ro} gets the default instances, poolMode and parameters. Returns a new value.
 */
export function fillDefaults(node: SchemaNode, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (node.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node.properties)) {
        if (key in src) out[key] = fillDefaults(child, src[key]);
        else {
          const d = defaultsOf(child);
          if (d !== undefined) out[key] = d;
        }
      }
      for (const key of Object.keys(src)) if (!(key in node.properties)) out[key] = src[key];
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => fillDefaults(node.items, item)) : value;
    case 'map':
      return typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fillDefaults(node.values, v)]))
        : value;
    default:
      return value;
  }
}
