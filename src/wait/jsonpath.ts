import { isPlainObject } from '../core/object.js';

/**
 * The part of kubectl's JSONPath that `kubectl wait --for=jsonpath=` users write: fields (`.a`,
 * `['a.b']`, `a\.b`), indexes (`[0]`, `[-1]`), wildcards (`[*]`, `.*`) and filters
 * (`[?(@.type=="Ready")]`, `[?(@.x)]`). No recursive descent, slices, unions or functions.
 */
export type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Segment[]; op?: Op; value?: Literal };

type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';
type Literal = string | number | boolean;

export interface JsonPath {
  source: string;
  segments: Segment[];
}

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }
  done(): boolean {
    return this.i >= this.s.length;
  }
  fail(what: string): never {
    throw new Error(`${what} at position ${this.i} of "${this.s}"`);
  }
  skipSpace(): void {
    while (this.peek() === ' ') this.i++;
  }
}

function readQuoted(c: Cursor): string {
  const quote = c.peek();
  c.i++;
  let out = '';
  while (!c.done() && c.peek() !== quote) {
    if (c.peek() === '\\' && c.peek(1)) c.i++;
    out += c.peek();
    c.i++;
  }
  if (c.done()) c.fail('unterminated string');
  c.i++;
  return out;
}

function readName(c: Cursor): string {
  let out = '';
  while (!c.done() && !'.[]()=!<> '.includes(c.peek())) {
    if (c.peek() === '\\' && c.peek(1)) c.i++;
    out += c.peek();
    c.i++;
  }
  if (!out) c.fail('expected a field name');
  return out;
}

function readLiteral(c: Cursor): Literal {
  if (c.peek() === '"' || c.peek() === "'") return readQuoted(c);
  const m = /^(-?\d+(\.\d+)?|true|false)/.exec(c.s.slice(c.i));
  if (!m) c.fail('expected a quoted string, a number, true or false');
  c.i += m[0].length;
  return m[0] === 'true' ? true : m[0] === 'false' ? false : Number(m[0]);
}

function readFilter(c: Cursor): Segment {
  c.skipSpace();
  if (c.peek() !== '@') c.fail('a filter must start with @');
  c.i++;
  const path = readSegments(c, ')=!<> ');
  c.skipSpace();
  const op = /^(==|!=|<=|>=|<|>)/.exec(c.s.slice(c.i))?.[0] as Op | undefined;
  let value: Literal | undefined;
  if (op) {
    c.i += op.length;
    c.skipSpace();
    value = readLiteral(c);
    c.skipSpace();
  }
  if (c.peek() !== ')' || c.peek(1) !== ']') c.fail('expected ")]" to close the filter');
  c.i += 2;
  return op ? { kind: 'filter', path, op, value } : { kind: 'filter', path };
}

function readBracket(c: Cursor): Segment {
  c.i++;
  c.skipSpace();
  let seg: Segment;
  if (c.peek() === '?' && c.peek(1) === '(') {
    c.i += 2;
    return readFilter(c);
  } else if (c.peek() === '*') {
    c.i++;
    seg = { kind: 'wildcard' };
  } else if (c.peek() === '"' || c.peek() === "'") {
    seg = { kind: 'field', name: readQuoted(c) };
  } else {
    const m = /^-?\d+/.exec(c.s.slice(c.i));
    if (!m) c.fail('expected an index, *, a quoted name or ?(...)');
    c.i += m[0].length;
    seg = { kind: 'index', index: Number(m[0]) };
  }
  c.skipSpace();
  if (c.peek() !== ']') c.fail('expected "]"');
  c.i++;
  return seg;
}

function readSegments(c: Cursor, stop: string): Segment[] {
  const out: Segment[] = [];
  while (!c.done() && !stop.includes(c.peek())) {
    if (c.peek() === '[') {
      out.push(readBracket(c));
    } else if (c.peek() === '.') {
      c.i++;
      if (c.peek() === '*') {
        c.i++;
        out.push({ kind: 'wildcard' });
      } else {
        out.push({ kind: 'field', name: readName(c) });
      }
    } else if (out.length === 0) {
      out.push({ kind: 'field', name: readName(c) });
    } else {
      c.fail(`unexpected "${c.peek()}"`);
    }
  }
  return out;
}

/** Accepts `{.status.phase}`, `.status.phase` and `{$.status.phase}` like kubectl's relaxed form. */
export function parseJsonPath(expression: string): JsonPath {
  let body = expression.trim();
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) throw new Error(`missing "}" in "${expression}"`);
    body = body.slice(1, -1).trim();
  }
  if (body.startsWith('$')) body = body.slice(1);
  if (!body) throw new Error(`empty JSONPath "${expression}"`);
  const c = new Cursor(body);
  const segments = readSegments(c, '');
  if (!c.done()) c.fail('unexpected trailing text');
  return { source: expression, segments };
}

function compare(a: unknown, op: Op, b: Literal): boolean {
  if (a === undefined) return false;
  if (typeof b === 'number') {
    const n = typeof a === 'number' ? a : Number(a);
    if (Number.isNaN(n)) return op === '!=';
    return { '==': n === b, '!=': n !== b, '<': n < b, '<=': n <= b, '>': n > b, '>=': n >= b }[op];
  }
  const s = typeof a === 'string' ? a : JSON.stringify(a);
  const t = String(b);
  return { '==': s === t, '!=': s !== t, '<': s < t, '<=': s <= t, '>': s > t, '>=': s >= t }[op];
}

function step(nodes: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  for (const node of nodes) {
    if (seg.kind === 'field') {
      if (isPlainObject(node) && node[seg.name] !== undefined) out.push(node[seg.name]);
    } else if (seg.kind === 'index') {
      if (Array.isArray(node)) {
        const v = node[seg.index < 0 ? node.length + seg.index : seg.index];
        if (v !== undefined) out.push(v);
      }
    } else if (seg.kind === 'wildcard') {
      if (Array.isArray(node)) out.push(...node);
      else if (isPlainObject(node)) out.push(...Object.values(node));
    } else if (Array.isArray(node)) {
      for (const item of node) {
        const found = run(seg.path, item);
        const ok = seg.op === undefined ? found.length > 0 && found[0] !== null : compare(found[0], seg.op, seg.value as Literal);
        if (ok) out.push(item);
      }
    }
  }
  return out;
}

function run(segments: Segment[], data: unknown): unknown[] {
  return segments.reduce<unknown[]>((nodes, seg) => step(nodes, seg), [data]);
}

/** Every value the path reaches (a filter can reach several). */
export function evaluateJsonPath(path: JsonPath, data: unknown): unknown[] {
  return run(path.segments, data);
}

/** How kubectl prints a JSONPath result: strings raw, everything else as JSON. */
export function formatJsonPathValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
