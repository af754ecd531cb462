import type { SchemaNode } from './dsl.js';

/** JSON Schema (draft-07) of the values, for yaml-language-server completion and `helm`-style checks. */
export function toJsonSchema(node: SchemaNode, root = true): Record<string, unknown> {
  const out: Record<string, unknown> = root ? { $schema: 'http://json-schema.org/draft-07/schema#' } : {};
  if (node.description) out.description = node.description;
  switch (node.type) {
    case 'string':
      out.type = node.nullable ? ['string', 'null'] : 'string';
      if (node.enum) out.enum = [...node.enum];
      if (node.pattern) out.pattern = node.pattern;
      break;
    case 'integer':
      out.type = 'integer';
      if (node.minimum !== undefined) out.minimum = node.minimum;
      if (node.maximum !== undefined) out.maximum = node.maximum;
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'scalar':
      out.type = ['string', 'number'];
      break;
    case 'any':
      if (node.shape === 'object') out.type = ['object', 'null'];
      if (node.shape === 'array') out.type = ['array', 'null'];
      break;
    case 'array':
      out.type = 'array';
      out.items = toJsonSchema(node.items, false);
      break;
    case 'map':
      out.type = 'object';
      out.additionalProperties = toJsonSchema(node.values, false);
      break;
    case 'object':
      out.type = 'object';
      out.additionalProperties = false;
      out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, toJsonSchema(v, false)]));
      break;
  }
  if (node.default !== undefined) out.default = node.default;
  return out;
}
