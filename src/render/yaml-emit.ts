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
  return needsQuotes(k) || k.includes('\n') ? quote(k) : k;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function emit(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if ((isMap(item) && Object.keys(item).length) || (Array.isArray(item) && item.length)) {
        const lines: string[] = [];
        emit(item, indent + '  ', lines);
        out.push(`${indent}- ${lines[0].slice(indent.length + 2)}`, ...lines.slice(1));
      } else {
        out.push(`${indent}- ${inline(item, indent + '  ')}`);
      }
    }
    return;
  }
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if ((isMap(v) && Object.keys(v).length) || (Array.isArray(v) && v.length)) {
        out.push(`${indent}${key(k)}:`);
        emit(v, isMap(v) ? indent + '  ' : indent, out);
      } else {
        out.push(`${indent}${key(k)}: ${inline(v, indent + '  ')}`);
      }
    }
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
  const out: string[] = [];
  emit(value, '', out);
  return out.join('\n') + '\n';
}
