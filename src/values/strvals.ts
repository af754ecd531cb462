import { UserError } from '../core/errors.js';
import { JsonScanError, jsonValueEnd, parseJson } from './json-scan.js';
import { describeType, formatPath, hasKey, isMap, setKey, type ValueMap } from './util.js';

/**
 * The --set family, with Helm's pkg/strvals semantics (parser.go and literal_parser.go), quirks
 * included: "a={}" is [""], "name1." sets nothing without an error, an empty key is skipped.
 */
export type SetKind = 'set' | 'string' | 'file' | 'json' | 'literal';

export type ValuePath = readonly (string | number)[];

export interface ParseOptions {
  /** For kind 'file': the content of the file named by the value ('-' means standard input). */
  readFile?(path: string): string;
  /**
   * Called for every value and container the expression writes, once the pair it belongs to has
   * been parsed. `replaced` is true when the path now holds a new value (earlier provenance of
   * its subtree no longer applies), false when an existing map or list was only added to.
   * `pair` is the text of the one key=value pair, e.g. "a.b=1" out of "a.b=1,c=2".
   */
  onSet?(path: ValuePath, replaced: boolean, pair: string): void;
}

/** Helm's strvals.MaxIndex and MaxNestedNameLevel. */
export const MAX_INDEX = 65536;
export const MAX_NESTED_NAME_LEVEL = 30;

export const FLAG_OF_KIND: Record<SetKind, string> = {
  set: '--set',
  string: '--set-string',
  file: '--set-file',
  json: '--set-json',
  literal: '--set-literal',
};

class ParseError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strings.EqualFold against an ASCII word; "ſ" (U+017F) folds to "s" in Go. */
function equalFold(text: string, word: string): boolean {
  if (text.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text[i].toLowerCase();
    if (c !== word[i] && !(word[i] === 's' && c === 'ſ')) return false;
  }
  return true;
}

/**
 * --set typing (strvals typedVal): true/false/null in any case, "0", and base-10 integers that do
 * not start with "0" (an optional sign is allowed, as strconv.ParseInt allows it). Helm keeps
 * integers as int64; beyond Number.MAX_SAFE_INTEGER a JS number would silently change the
 * digits, so such integers stay text, written canonically. Integers outside int64 are text in
 * Helm too.
 */
export function typedValue(text: string): unknown {
  if (equalFold(text, 'true')) return true;
  if (equalFold(text, 'false')) return false;
  if (equalFold(text, 'null')) return null;
  if (text === '0') return 0;
  if (text !== '' && text[0] !== '0' && /^[+-]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n < INT64_MIN || n > INT64_MAX) return text;
    if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
    return n.toString();
  }
  return text;
}

/** unicode.IsSpace: the White_Space property, which also covers U+0085 and U+00A0. */
const SPACE = /^\p{White_Space}$/u;
function isSpace(c: string): boolean {
  return SPACE.test(c);
}

type Status = 'ok' | 'eof';
interface Until {
  text: string;
  /** undefined at the end of the input. */
  last: string | undefined;
}

class Parser {
  private readonly runes: string[];
  private pos = 0;
  private pending: { path: ValuePath; replaced: boolean }[] = [];
  private readonly literal: boolean;

  constructor(
    expr: string,
    private readonly kind: SetKind,
    private readonly options: ParseOptions,
  ) {
    this.runes = Array.from(expr);
    this.literal = kind === 'literal';
  }

  parse(root: ValueMap): void {
    for (;;) {
      const start = this.pos;
      this.pending = [];
      const status = this.key(root, 0, []);
      const pair = this.pairText(start, this.pos);
      for (const { path, replaced } of this.pending) this.options.onSet?.(path, replaced, pair);
      if (status === 'eof') return;
    }
  }

  private pairText(start: number, end: number): string {
    let text = this.runes.slice(start, end).join('');
    const comma = /(\\*),\s*$/.exec(text);
    if (comma && comma[1].length % 2 === 0) text = text.slice(0, comma.index + comma[1].length);
    return text.trimEnd();
  }

  private read(): string | undefined {
    return this.pos < this.runes.length ? this.runes[this.pos++] : undefined;
  }

  private unread(): void {
    this.pos--;
  }

  /** strvals runesUntil: a backslash takes the next character literally (not for --set-literal). */
  private until(stop: string): Until {
    let text = '';
    for (;;) {
      const r = this.read();
      if (r === undefined) return { text, last: undefined };
      if (stop.includes(r)) return { text, last: r };
      if (r === '\\' && !this.literal) {
        const next = this.read();
        if (next === undefined) return { text, last: undefined };
        text += next;
      } else {
        text += r;
      }
    }
  }

  private touched(path: ValuePath, replaced: boolean): void {
    this.pending.push({ path, replaced });
  }

  private setKeyAt(data: ValueMap, path: ValuePath, key: string, value: unknown, replaced: boolean): void {
    // Helm's set() skips an empty key without complaint.
    if (key === '') return;
    setKey(data, key, value);
    this.touched([...path, key], replaced);
  }

  private key(data: ValueMap, level: number, path: ValuePath): Status {
    const { text: k, last } = this.until(this.literal ? '=[.' : '=[,.');
    const here = [...path, k];
    if (last === undefined) {
      if (k === '') return 'eof';
      throw new ParseError(`key "${formatPath(here)}" has no value. Write ${formatPath(here)}=<value> (an empty value is ${formatPath(here)}=).`);
    }
    switch (last) {
      case '[': {
        const index = this.index(here);
        let list: unknown[] = [];
        if (hasKey(data, k)) list = this.existingList(data[k], here, `${formatPath(here)}[${index}]`);
        const result = this.listItem(list, index, level, here);
        this.setKeyAt(data, path, k, result.list, false);
        return result.status;
      }
      case '=':
        return this.assign(data, path, k);
      case ',':
        throw new ParseError(
          `key "${formatPath(here)}" has no value before the ",". Write ${formatPath(here)}=<value>, or escape a comma that belongs to a key as \\,.`,
        );
      default: {
        level++;
        if (level > MAX_NESTED_NAME_LEVEL) {
          throw new ParseError(
            `the key path nests deeper than ${MAX_NESTED_NAME_LEVEL} levels, the most Helm supports. Set deeply nested values in a values file (-f) instead.`,
          );
        }
        let inner: ValueMap = {};
        if (hasKey(data, k)) {
          const existing = data[k];
          if (!isMap(existing)) throw this.conflict(here, existing, 'a map', `${formatPath(here)}.<key>`);
          inner = existing;
        }
        const status = this.key(inner, level, here);
        const empty = Object.keys(inner).length === 0;
        if (status === 'ok' && empty) {
          throw new ParseError(`key "${formatPath(here)}" is followed by "." but no key name. Write ${formatPath(here)}.<key>=<value>.`);
        }
        if (!empty) this.setKeyAt(data, path, k, inner, false);
        return status;
      }
    }
  }

  private assign(data: ValueMap, path: ValuePath, k: string): Status {
    const here = [...path, k];
    if (this.literal) {
      this.setKeyAt(data, path, k, this.rest(), true);
      return 'ok';
    }
    if (this.kind === 'json') {
      this.setKeyAt(data, path, k, this.jsonValue(here), true);
      return 'ok';
    }
    const list = this.valueList(here);
    if (list === 'eof') {
      this.setKeyAt(data, path, k, '', true);
      return 'eof';
    }
    const value = list === 'not-a-list' ? this.convert(this.until(',').text, here) : list;
    this.setKeyAt(data, path, k, value, true);
    return 'ok';
  }

  private listItem(list: unknown[], i: number, level: number, path: ValuePath): { list: unknown[]; status: Status } {
    const here = [...path, i];
    if (i < 0) throw new ParseError(`list index ${i} in ${formatPath(here)} is negative. Indexes start at 0.`);
    const { text, last } = this.until('[.=');
    if (text.length > 0) {
      throw new ParseError(
        `unexpected text "${text}" after ${formatPath(here)}. After "]" write "=", "." or another [index].`,
      );
    }
    if (last === undefined) return { list, status: 'eof' };
    switch (last) {
      case '=': {
        let value: unknown;
        if (this.literal) value = this.rest();
        else if (this.kind === 'json') value = this.jsonValue(here);
        else {
          const vl = this.valueList(here);
          value = vl === 'eof' ? '' : vl === 'not-a-list' ? this.convert(this.until(',').text, here) : vl;
        }
        this.setIndex(list, i, value, here);
        this.touched(here, true);
        return { list, status: 'ok' };
      }
      case '[': {
        const next = this.index(here);
        let inner: unknown[] = [];
        if (list.length > i && list[i] !== null && list[i] !== undefined) {
          inner = this.existingList(list[i], here, `${formatPath(here)}[${next}]`);
        }
        const result = this.listItem(inner, next, level, here);
        if (result.status === 'eof') return { list, status: 'eof' };
        this.setIndex(list, i, result.list, here);
        this.touched(here, false);
        return { list, status: 'ok' };
      }
      default: {
        let inner: ValueMap = {};
        if (list.length > i) {
          const existing = list[i];
          if (isMap(existing)) {
            inner = existing;
          } else {
            // Helm quietly replaces a non-map item here instead of failing.
            list[i] = inner;
            this.touched(here, true);
          }
        }
        if (this.key(inner, level, here) === 'eof') return { list, status: 'eof' };
        this.setIndex(list, i, inner, here);
        this.touched(here, false);
        return { list, status: 'ok' };
      }
    }
  }

  private setIndex(list: unknown[], i: number, value: unknown, path: ValuePath): void {
    if (i < 0) throw new ParseError(`list index ${i} in ${formatPath(path)} is negative. Indexes start at 0.`);
    if (i > MAX_INDEX) {
      throw new ParseError(
        `list index ${i} in ${formatPath(path)} is greater than ${MAX_INDEX}, the largest index Helm allows. Use a values file (-f) for very long lists.`,
      );
    }
    while (list.length <= i) list.push(null);
    list[i] = value;
  }

  private index(path: ValuePath): number {
    const { text, last } = this.until(']');
    const where = formatPath(path);
    if (last === undefined) {
      throw new ParseError(`the list index after "${where}[" has no closing "]". Write ${where}[0]=<value>.`);
    }
    if (!/^[+-]?[0-9]+$/.test(text)) {
      throw new ParseError(`list index "${text}" is not a number. Use ${where}[0]=... to set the first element.`);
    }
    const n = BigInt(text);
    if (n < INT64_MIN || n > INT64_MAX) {
      throw new ParseError(`list index "${text}" is out of range; the largest index Helm allows is ${MAX_INDEX}.`);
    }
    return Number(n);
  }

  /** strvals valList: "{a,b}" is a list of converted items; anything else is not a list. */
  private valueList(path: ValuePath): unknown[] | 'eof' | 'not-a-list' {
    const first = this.read();
    if (first === undefined) return 'eof';
    if (first !== '{') {
      this.unread();
      return 'not-a-list';
    }
    const list: unknown[] = [];
    for (;;) {
      const { text, last } = this.until(',}');
      if (last === undefined) {
        throw new ParseError(
          `the list value for "${formatPath(path)}" must end with "}". Write ${formatPath(path)}={a,b}, or escape a brace that belongs to the value as \\{.`,
        );
      }
      if (last === '}') {
        const after = this.read();
        if (after !== undefined && after !== ',') this.unread();
        list.push(this.convert(text, path));
        return list;
      }
      list.push(this.convert(text, path));
    }
  }

  private convert(text: string, path: ValuePath): unknown {
    if (this.kind === 'string') return text;
    if (this.kind !== 'file') return typedValue(text);
    const readFile = this.options.readFile;
    if (!readFile) throw new Error('parseInto: kind "file" needs options.readFile');
    const file = text.trim() === '-' ? '-' : text;
    try {
      return readFile(file);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ParseError(
        `cannot read file "${text}" for key ${formatPath(path)}: ${reason}. Check the path; --set-file takes key=path.`,
      );
    }
  }

  private rest(): string {
    const text = this.runes.slice(this.pos).join('');
    this.pos = this.runes.length;
    return text;
  }

  /** strvals emptyVal: skips spaces; a "," or the end means "no value" (and the comma is eaten). */
  private emptyValue(): boolean {
    for (;;) {
      const r = this.read();
      if (r === undefined || r === ',') return true;
      if (!isSpace(r)) {
        this.unread();
        return false;
      }
    }
  }

  private jsonValue(path: ValuePath): unknown {
    if (this.emptyValue()) return null;
    const rest = this.runes.slice(this.pos).join('');
    let value: unknown;
    let end: number;
    try {
      end = jsonValueEnd(rest);
      value = parseJson(rest.slice(0, end));
    } catch (err) {
      if (!(err instanceof JsonScanError) && !(err instanceof SyntaxError)) throw err;
      throw new ParseError(
        `the value for ${formatPath(path)} is not valid JSON (${err.message}). Quote JSON strings, e.g. ${formatPath(path)}="text", and separate pairs with ",".`,
      );
    }
    this.pos += Array.from(rest.slice(0, end)).length;
    this.emptyValue();
    return value;
  }

  private existingList(existing: unknown, path: ValuePath, attempted: string): unknown[] {
    if (!Array.isArray(existing)) throw this.conflict(path, existing, 'a list', attempted);
    return existing;
  }

  /** Where Helm panics on a type assertion ("unable to parse key: interface conversion ..."). */
  private conflict(path: ValuePath, existing: unknown, wanted: string, attempted: string): ParseError {
    return new ParseError(
      `"${formatPath(path)}" already holds ${describeType(existing)} (set by an earlier values file, flag or pair), not ${wanted}, so ${attempted} cannot be set inside it. ` +
        `Replace the whole value instead, for example with a values file or --set-json '${formatPath(path)}=<json>'.`,
    );
  }
}

/**
 * Parses one --set style expression into `target`, changing it in place as Helm's
 * strvals.ParseInto (and ParseIntoString, ParseIntoFile, ParseJSON, ParseLiteralInto) do.
 * A malformed expression is a UserError naming the flag and the expression.
 */
export function parseInto(expr: string, target: ValueMap, kind: SetKind, options: ParseOptions = {}): void {
  try {
    new Parser(expr, kind, options).parse(target);
  } catch (err) {
    if (err instanceof ParseError) throw new UserError(`${FLAG_OF_KIND[kind]} "${expr}": ${err.message}`);
    throw err;
  }
}

/** Parses one expression into a fresh map (Helm's strvals.Parse and friends). */
export function parseSet(expr: string, kind: SetKind = 'set', options: ParseOptions = {}): ValueMap {
  const out: ValueMap = {};
  parseInto(expr, out, kind, options);
  return out;
}
