/**
 * A small, fast YAML emitter for rendered objects (plain maps, lists, strings, numbers, booleans,
 * null). Output is YAML 1.1-safe, as kubectl and Helm (go-yaml v2) read it: any string another
 * reader could take as a bool, number, null or timestamp is quoted. `template` spends most of its
 * time printing, so this replaces the general-purpose library on that path.
 */

// YAML 1.1 and 1.2 plain scalars that are not strings.
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|\.inf|\.Inf|\.INF|-\.inf|-\.Inf|-\.INF|\.nan|\.NaN|\.NAN|<<|=)$/;
const NUMBERISH = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;
const TIMESTAMP = /^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/;
const PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;

function needsQuotes(s: string): boolean {
  if (s === '') return true;
  if (RESERVED.test(s) || NUMBERISH.test(s) || TIMESTAMP.test(s)) return true;
  if (/^[\s]|[\s]$/.test(s)) return true;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^-[^\s-]/.test(s)) return true;
  if (/^-(\s|$)|^-{3}|^\.{3}/.test(s)) return true;
  if (/: |:$| #|\t|[\x00-\x1f\x7f\u2028\u2029]/.test(s)) return true;
  return false;
}

function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (typeof value === 'bigint') return value.toString();
  const s = String(value);
  // Most strings are names and paths: a letter, then letters, digits and ._/- can only clash with a reserved word.
  if (PLAIN.test(s)) return RESERVED.test(s) ? quote(s) : s;
  return needsQuotes(s) ? quote(s) : s;
}

/** Multi-line strings as literal blocks, which keep scripts and configs readable in the output. */
function blockString(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || /[\x00-\x08\x0b-\x1f\x7f]/.test(s) || /(^|\n)[ \t]+\S/.test(s.split('\n')[0])) return undefined;
  if (/^[ \t]/.test(s) || /[ \t]\n|[ \t]$/.test(s)) return undefined;
  const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
  const body = chomp === '+' ? s.slice(0, -1) : chomp === '' ? s.slice(0, -1) : s;
  const lines = body.split('\n').map((l) => (l === '' ? '' : indent + l));
  return `|${chomp}\n${lines.join('\n')}`;
}

function key(k: string): string {
  if (PLAIN.test(k)) return RESERVED.test(k) ? quote(k) : k;
  return needsQuotes(k) || k.includes('\n') ? quote(k) : k;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isMap(v) && Object.keys(v).length > 0;
}

/**
 * Appends the lines of a non-empty map or list. `first` replaces the indentation of the first line,
 * which is how a list item's "- " lands in front of its first key.
 */
/**
 * Text emitted earlier for a value at an indentation (the upstream manifests' bodies, emitted at
 * build time): the same bytes this emitter would produce, so reusing them keeps output identical.
 * Kept as UTF-8 bytes, so printing 9 MB of upstream YAML neither decodes nor encodes it.
 */
interface Remembered {
  indent: string;
  bytes: Uint8Array;
  text?: string;
}
const remembered = new WeakMap<object, Remembered>();

export function rememberEmitted(value: object, indent: string, bytes: Uint8Array): void {
  remembered.set(value, { indent, bytes });
}

function textOf(r: Remembered): string {
  return (r.text ??= Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('utf8'));
}

/** The lines `emitYaml` writes for a non-empty map or list nested at `indent`, joined: what `rememberEmitted` takes. */
export function emitNested(value: unknown, indent: string): string {
  const out: Line[] = [];
  emit(value, indent, out);
  return out.map((l) => (typeof l === 'string' ? l : textOf(l))).join('\n');
}

type Line = string | Remembered;

function emit(value: unknown, indent: string, out: Line[], first = indent): void {
  if (first === indent) {
    const known = remembered.get(value as object);
    if (known && known.indent === indent) {
      out.push(known);
      return;
    }
  }
  let lead = first;
  if (Array.isArray(value)) {
    const nested = indent + '  ';
    for (const item of value) {
      if (nonEmpty(item)) emit(item, nested, out, `${lead}- `);
      else out.push(`${lead}- ${inline(item, nested)}`);
      lead = indent;
    }
    return;
  }
  const map = value as Record<string, unknown>;
  for (const k in map) {
    const v = map[k];
    if (v === undefined) continue;
    if (nonEmpty(v)) {
      out.push(`${lead}${key(k)}:`);
      if (Array.isArray(v)) emit(v, indent, out);
      else emit(v, indent + '  ', out);
    } else {
      out.push(`${lead}${key(k)}: ${inline(v, indent + '  ')}`);
    }
    lead = indent;
  }
}

function inline(value: unknown, indent: string): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  if (typeof value === 'string') return blockString(value, indent) ?? scalar(value);
  return scalar(value);
}

export function emitYaml(value: unknown): string {
  if (!isMap(value) && !Array.isArray(value)) return `${inline(value, '')}\n`;
  if ((isMap(value) && !Object.keys(value).length) || (Array.isArray(value) && !value.length)) return `${inline(value, '')}\n`;
  const out: Line[] = [];
  emit(value, '', out);
  return out.map((l) => (typeof l === 'string' ? l : textOf(l))).join('\n') + '\n';
}

/** `emitYaml` as pieces to write: text, and remembered bodies as the bytes they were kept as. */
export function emitYamlParts(value: unknown): (string | Uint8Array)[] {
  if (!isMap(value) || !Object.keys(value).length) return [emitYaml(value)];
  const out: Line[] = [];
  emit(value, '', out);
  const parts: (string | Uint8Array)[] = [];
  let text = '';
  for (const line of out) {
    if (typeof line === 'string') text += `${line}\n`;
    else {
      parts.push(text, line.bytes);
      text = '\n';
    }
  }
  parts.push(text);
  return parts;
}
