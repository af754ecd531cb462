import { setKey, type ValueMap } from './util.js';
import { formatFloatKey, resolvePlain } from './yaml-scalars.js';

/**
 * The values files people write (block maps and lists, one-line flow collections, plain and quoted
 * scalars, comments) read without the general YAML parser, which costs more than a whole render of
 * 200 models. Anything else (anchors, tags, block scalars, several documents, multi-line scalars,
 * duplicate keys, unusual keys, anything this reader is not sure about) returns undefined and the
 * caller uses the full parser, which also owns every error message. Both must give equal values;
 * test/values/yaml-fast.test.ts checks them against each other.
 */
export function parseSimpleValuesYaml(text: string): ValueMap | undefined {
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let n = 0; n < raw.length; n++) {
    const body = stripComment(raw[n]);
    if (body === undefined) return undefined;
    if (body.trim() === '') continue;
    // Characters that can start a feature this reader does not implement, outside comments.
    if (UNSUPPORTED.test(body)) return undefined;
    const indent = body.length - body.trimStart().length;
    lines.push({ indent, text: body.slice(indent).trimEnd() });
  }
  if (!lines.length) return {};
  try {
    const reader = new Reader(lines);
    const value = reader.block(0);
    if (reader.pos !== lines.length || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return value as ValueMap;
  } catch (err) {
    if (err === FALLBACK) return undefined;
    throw err;
  }
}

interface Line {
  indent: number;
  text: string;
}

/** Tabs, anchors, aliases, tags, block scalars, directives, complex keys, escapes, CR, document markers. */
const UNSUPPORTED = /[\t&*!|>%@`?\r\\]|^(?:---|\.\.\.)/;

const FALLBACK = Symbol('fallback');
function fallback(): never {
  throw FALLBACK;
}

/** The line without a trailing comment; undefined when a quote is not closed on the line. */
function stripComment(line: string): string | undefined {
  // Without a "#" there is nothing to strip; an unclosed quote is then found by the reader.
  if (!line.includes('#')) return line;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) {
        if (quote === "'" && line[i + 1] === "'") i++;
        else quote = '';
      }
    } else if (c === '"' || c === "'") {
      // A quote only opens a quoted scalar at the start of a value; inside plain text it is a character.
      const before = line.slice(0, i).trimEnd();
      if (before === '' || /[:\-[{,]$/.test(before)) quote = c;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i);
  }
  return quote ? undefined : line;
}

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/;
/** Characters that end a plain key inside a flow map: ":" "," "{" "}" "[" "]". */
const KEY_END: boolean[] = [];
for (const c of ':,{}[]') KEY_END[c.charCodeAt(0)] = true;

class Reader {
  pos = 0;
  constructor(private readonly lines: Line[]) {}

  /** A block map or list whose entries start at exactly `indent`. */
  block(indent: number): unknown {
    const first = this.lines[this.pos];
    if (!first || first.indent !== indent) fallback();
    return first.text === '-' || first.text.startsWith('- ') ? this.list(indent) : this.map(indent, undefined);
  }

  private list(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.pos];
      if (!line || line.indent < indent) return out;
      if (line.indent > indent) fallback();
      // A list written at its key's indentation ends where the map's next key starts.
      if (!(line.text === '-' || line.text.startsWith('- '))) return out;
      const rest = line.text.slice(1).trimStart();
      const inner = indent + (line.text.length - rest.length);
      this.pos++;
      if (rest === '') out.push(this.nested(indent));
      else if (startsEntry(rest)) out.push(this.map(inner, rest));
      else out.push(this.inlineValue(rest, indent));
    }
  }

  /** A block map at `indent`; `first` is an entry already read from the line of a "- ". */
  private map(indent: number, first: string | undefined): ValueMap {
    const out: ValueMap = {};
    const seen = new Set<string>();
    const entry = (text: string) => {
      const colon = entryColon(text);
      if (colon < 0) fallback();
      const key = keyOf(text.slice(0, colon));
      if (seen.has(key)) fallback();
      seen.add(key);
      const rest = text.slice(colon + 1).trim();
      setKey(out, key, rest === '' ? this.nested(indent) : this.inlineValue(rest, indent));
    };
    if (first !== undefined) entry(first);
    for (;;) {
      const line = this.lines[this.pos];
      if (!line || line.indent < indent) return out;
      if (line.indent > indent || line.text.startsWith('- ') || line.text === '-') fallback();
      this.pos++;
      entry(line.text);
    }
  }

  /** What follows "key:" or "-" on its own line: a deeper block, a list at the same indentation under a key, or null. */
  private nested(parentIndent: number): unknown {
    const next = this.lines[this.pos];
    if (!next) return null;
    if (next.indent > parentIndent) return this.block(next.indent);
    // go-yaml reads a list written at the key's own indentation as the key's value.
    if (next.indent === parentIndent && (next.text === '-' || next.text.startsWith('- '))) return this.list(parentIndent);
    return null;
  }

  /** A value on the same line; a continuation on the next lines (a multi-line scalar) is left to the full parser. */
  private inlineValue(text: string, indent: number): unknown {
    const next = this.lines[this.pos];
    if (next && next.indent > indent && !(next.text === '-' || next.text.startsWith('- ') || startsEntry(next.text))) fallback();
    const flow = new Flow(text);
    const value = flow.value();
    flow.end();
    return value;
  }
}

/** Whether a line starts a "key: value" entry (the colon outside quotes, followed by a space or the end). */
function startsEntry(text: string): boolean {
  return entryColon(text) >= 0;
}

function entryColon(text: string): number {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = quotedEnd(text, 0);
    if (end < 0) return -1;
    return text[end] === ':' && (end + 1 === text.length || text[end + 1] === ' ') ? end : -1;
  }
  if (text.startsWith('{') || text.startsWith('[')) return -1;
  const i = text.search(/:( |$)/);
  return i;
}

/** Index just after a quoted scalar starting at `start`, or -1. */
function quotedEnd(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== q) continue;
    if (q === "'" && text[i + 1] === "'") {
      i++;
      continue;
    }
    return i + 1;
  }
  return -1;
}

function unquote(text: string): string {
  if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  // Backslashes were excluded up front, so a double-quoted scalar is its characters.
  return text.slice(1, -1);
}

/** A map key as sigs.k8s.io/yaml turns it into text. */
function keyOf(text: string): string {
  const t = text.trim();
  if (t.startsWith('"') || t.startsWith("'")) {
    if (quotedEnd(t, 0) !== t.length) fallback();
    return unquote(t);
  }
  if (!PLAIN_KEY.test(t)) fallback();
  const r = resolvePlain(t);
  switch (r.kind) {
    case 'str':
    case 'timestamp':
      return r.value;
    case 'bool':
      return r.value ? 'true' : 'false';
    case 'float':
      return formatFloatKey(r.value);
    case 'int':
      return r.value > 2n ** 63n - 1n ? fallback() : r.value.toString();
    default:
      return fallback();
  }
}

/** A plain scalar's value as go-yaml v2 types it. */
function plainValue(text: string): unknown {
  if (text === '' || /^[-:,[\]{}#&*!|>'"%@`]/.test(text) && !/^-[^\s-]/.test(text)) fallback();
  if (/: | #/.test(text) || text.endsWith(':')) fallback();
  const r = resolvePlain(text);
  switch (r.kind) {
    case 'null':
      return null;
    case 'int':
      return Number(r.value);
    case 'float':
      return Number.isFinite(r.value) ? r.value : fallback();
    default:
      return r.value;
  }
}

/** One line's value: a flow collection, a quoted scalar or a plain scalar. */
class Flow {
  private i = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.space();
    if (this.i !== this.s.length) fallback();
  }

  private space(): void {
    while (this.s[this.i] === ' ') this.i++;
  }

  value(inFlow = false): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === '{') return this.map();
    if (c === '[') return this.seq();
    if (c === '"' || c === "'") {
      const end = quotedEnd(this.s, this.i);
      if (end < 0) fallback();
      const text = unquote(this.s.slice(this.i, end));
      this.i = end;
      return text;
    }
    const start = this.i;
    if (inFlow) {
      const s = this.s;
      for (; this.i < s.length; this.i++) {
        const c = s.charCodeAt(this.i);
        if (c === 44 || c === 93 || c === 125) break; // , ] }
        if (c === 58 && (this.i + 1 === s.length || s.charCodeAt(this.i + 1) === 32)) break; // ": "
      }
    } else {
      this.i = this.s.length;
    }
    const text = this.s.slice(start, this.i).trim();
    if (inFlow && /[[{]/.test(text)) fallback();
    return text === '' && inFlow ? fallback() : plainValue(text);
  }

  private seq(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.space();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      const item = this.value(true);
      this.space();
      // "[a: 1]" is a one-entry map inside the list: left to the full parser.
      if (this.s[this.i] === ':') fallback();
      out.push(item);
      if (this.s[this.i] === ',') {
        this.i++;
        this.space();
        if (this.s[this.i] === ']') fallback();
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      fallback();
    }
  }

  private map(): ValueMap {
    this.i++;
    const out: ValueMap = {};
    const seen = new Set<string>();
    this.space();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      const start = this.i;
      let keyText: string;
      if (this.s[this.i] === '"' || this.s[this.i] === "'") {
        const end = quotedEnd(this.s, this.i);
        if (end < 0) fallback();
        keyText = this.s.slice(start, end);
        this.i = end;
      } else {
        while (this.i < this.s.length && !KEY_END[this.s.charCodeAt(this.i)]) this.i++;
        keyText = this.s.slice(start, this.i);
      }
      this.space();
      if (this.s[this.i] !== ':' || this.s[this.i + 1] !== ' ') fallback();
      this.i += 2;
      const key = keyOf(keyText);
      if (seen.has(key)) fallback();
      seen.add(key);
      setKey(out, key, this.value(true));
      this.space();
      if (this.s[this.i] === ',') {
        this.i++;
        this.space();
        if (this.s[this.i] === '}') fallback();
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      fallback();
    }
  }
}
