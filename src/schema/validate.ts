import { UserError } from '../core/errors.js';
import { isPlainObject } from '../core/object.js';
import type { SchemaNode } from './dsl.js';

export type KeyPath = readonly (string | number)[];

export interface SchemaIssue {
  path: KeyPath;
  message: string;
}

/** `litellm-proxy.cache.sentinel.port`, `postgresql.poolers[0].instances` */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(root)';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Compiled patterns, per schema node: values files repeat the same keys hundreds of times (models[]). */
const patterns = new WeakMap<SchemaNode, RegExp>();
function patternOf(node: SchemaNode & { pattern?: string }): RegExp {
  let re = patterns.get(node);
  if (!re) patterns.set(node, (re = new RegExp(node.pattern!)));
  return re;
}

/** A key path built only when an issue needs it. */
interface PathLink {
  up?: PathLink;
  key: string | number;
}
function pathOf(base: KeyPath, link: PathLink | undefined): KeyPath {
  const keys: (string | number)[] = [];
  for (let l = link; l; l = l.up) keys.push(l.key);
  return [...base, ...keys.reverse()];
}

export function validateAgainst(node: SchemaNode, value: unknown, path: KeyPath = []): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  validateInto(node, value, path, undefined, issues);
  return issues;
}

function validateInto(node: SchemaNode, value: unknown, base: KeyPath, at: PathLink | undefined, issues: SchemaIssue[]): void {
  const fail = (message: string) => issues.push({ path: pathOf(base, at), message });
  switch (node.type) {
    case 'string':
      if (value === null && node.nullable) break;
      if (typeof value !== 'string') {
        fail(`expected a string, got ${describeValue(value)}` + (typeof value === 'number' || typeof value === 'boolean' ? ' (quote it in YAML, or use --set-string)' : ''));
      } else if (node.enum && !node.enum.includes(value)) {
        fail(`must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}${hint(value, node.enum)}`);
      } else if (node.pattern && value !== '' && !patternOf(node).test(value)) {
        fail(`${JSON.stringify(value)} is not valid: ${node.patternHint ?? `must match ${node.pattern}`}`);
      }
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        fail(`expected an integer, got ${describeValue(value)}`);
      } else if (node.minimum !== undefined && value < node.minimum) {
        fail(`must be at least ${node.minimum}, got ${value}`);
      } else if (node.maximum !== undefined && value > node.maximum) {
        fail(`must be at most ${node.maximum}, got ${value}`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, got ${describeValue(value)}`);
      break;
    case 'scalar':
      if (typeof value !== 'string' && typeof value !== 'number') fail(`expected a string or number, got ${describeValue(value)}`);
      break;
    case 'any':
      if (node.shape === 'object' && value !== null && !isPlainObject(value)) fail(`expected a map, got ${describeValue(value)}`);
      if (node.shape === 'array' && value !== null && !Array.isArray(value)) fail(`expected a list, got ${describeValue(value)}`);
      break;
    case 'array':
      if (!Array.isArray(value)) {
        fail(`expected a list, got ${describeValue(value)}`);
        break;
      }
      for (let i = 0; i < value.length; i++) validateInto(node.items, value[i], base, { up: at, key: i }, issues);
      break;
    case 'map':
      if (!isPlainObject(value)) {
        fail(`expected a map, got ${describeValue(value)}`);
        break;
      }
      for (const key of Object.keys(value)) validateInto(node.values, value[key], base, { up: at, key }, issues);
      break;
    case 'object': {
      if (!isPlainObject(value)) {
        fail(`expected a map, got ${describeValue(value)}`);
        break;
      }
      for (const key of Object.keys(value)) {
        const childNode = node.properties[key];
        if (!childNode) {
          issues.push({ path: pathOf(base, { up: at, key }), message: `is not a known key${hint(key, Object.keys(node.properties))}` });
          continue;
        }
        validateInto(childNode, value[key], base, { up: at, key }, issues);
      }
      for (const key in node.properties) {
        const childNode = node.properties[key];
        if (!(key in value) && childNode.default === undefined && childNode.type !== 'object') {
          issues.push({ path: pathOf(base, { up: at, key }), message: 'is required' });
        }
      }
      break;
    }
  }
}

function hint(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  if (match) return `; did you mean "${match}"?`;
  if (candidates.length > 0 && candidates.length <= 12) return ` (known keys: ${candidates.join(', ')})`;
  return '';
}

/** The nearest candidate by edit distance, ignoring case and separators, when it is plausibly a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = norm(word) === norm(candidate) ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 4));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Raises one UserError listing every problem, each naming its key path and where the value came from. */
export function assertValid(
  node: SchemaNode,
  value: unknown,
  chart: string,
  sourceOf: (path: KeyPath) => string | undefined,
): void {
  const issues = validateAgainst(node, value);
  if (issues.length === 0) return;
  const lines = issues.map((found) => {
    let issue = found;
    const source = sourceOf(issue.path);
    const inList = issue.path.some((p) => typeof p === 'number');
    if (issue.message === 'is required' && inList && source?.startsWith('--set')) {
      issue = { ...issue, message: 'is required (a --set on a list element replaces the whole list, as in Helm: set every key of the element, or use a values file)' };
    }
    const end = /[.?!)]$/.test(issue.message) ? '' : '.';
    return `key ${formatPath(issue.path)}${source ? ` (from ${source})` : ' (chart default)'} ${issue.message}${end}`;
  });
  const intro = issues.length === 1 ? `invalid values for chart ${chart}: ` : `invalid values for chart ${chart} (${issues.length} problems):\n  - `;
  const outro = `\nRun "inferctl show values ${chart}" to see every key with its default.`;
  throw new UserError(intro + lines.join('\n  - ') + outro);
}
