import { createRequire } from 'node:module';
import type { Alias, Document, LineCounter, Scalar, YAMLError, YAMLMap } from 'yaml';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** Loaded on first use: most values files never need the general parser (see yaml-fast.ts). */
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}

import { UserError } from '../core/errors.js';
import { mergeMaps } from './merge.js';
import { parseSimpleValuesYaml } from './yaml-fast.js';
import { describeType, isMap, setKey, type ValueMap } from './util.js';
import {
  ScalarTagError,
  TAG,
  formatFloatKey,
  resolvePlain,
  resolveTagged,
  type Resolved,
} from './yaml-scalars.js';

const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'Check that keys at the same level start in the same column and that nested keys are indented more than their parent.',
  TAB_AS_INDENT: 'Indent with spaces instead.',
  BLOCK_AS_IMPLICIT_KEY: 'Check the indentation and that each "key: value" is on its own line; quote a value that itself contains ": ".',
  MULTILINE_IMPLICIT_KEY: 'Check the indentation and that each "key: value" is on its own line; quote a value that itself contains ": ".',
  MISSING_CHAR: 'Check for an unclosed quote, bracket or brace, or a key without its ":".',
  BAD_DQ_ESCAPE: 'Inside double quotes a backslash starts an escape; use single quotes, or write \\\\ for a backslash.',
  KEY_OVER_1024_CHARS: 'A key written without "?" must be shorter than 1024 characters; check for a missing newline.',
  UNEXPECTED_TOKEN: 'Check the indentation and punctuation around this position; a list item ("- ") cannot follow a "key: value" at the same level.',
  BAD_SCALAR_START: 'Quote a value that starts with a special character such as @, ` or %.',
  MULTIPLE_ANCHORS: 'A value can have only one &anchor.',
  MULTIPLE_TAGS: 'A value can have only one !tag.',
};

type Position = { range?: readonly number[] | null } | null | undefined;

/**
 * Reads a values file as Helm does: go-yaml v2 (YAML 1.1) and then a conversion to JSON, with
 * several "---" documents merged in order. The yaml package only supplies the syntax tree; typing
 * of scalars, merge keys and key conversion follow go-yaml v2 and sigs.k8s.io/yaml.
 */
export function parseValuesYaml(text: string, source: string): ValueMap {
  return parseSimpleValuesYaml(text) ?? parseValuesYamlFully(text, source);
}

/** The general parser: every YAML feature, and every error message. */
export function parseValuesYamlFully(text: string, source: string): ValueMap {
  const lineCounter = new (yaml().LineCounter)();
  const docs = yaml().parseAllDocuments(text, {
    version: '1.1',
    schema: 'failsafe',
    merge: false,
    uniqueKeys: false,
    lineCounter,
  });
  let values: ValueMap = {};
  for (const doc of docs) {
    const syntax = doc.errors[0];
    if (syntax) throw syntaxError(syntax, source);
    values = mergeMaps(values, new Decoder(doc, source, lineCounter).top());
  }
  return values;
}

function syntaxError(err: YAMLError, source: string): UserError {
  const pos = err.linePos?.[0];
  const where = pos ? `line ${pos.line} column ${pos.col}` : 'unknown position';
  const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const what = firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
  const hint = SYNTAX_HINTS[err.code] ?? 'Check the YAML syntax at this position.';
  return new UserError(`values file ${source}, ${where}: ${what}. ${hint}`);
}

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<Alias>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly source: string,
    private readonly lines: LineCounter,
  ) {}

  top(): ValueMap {
    const node = this.doc.contents;
    const value = this.value(node);
    if (value === null) return {};
    if (!isMap(value)) {
      this.fail(
        node,
        `the document is ${describeType(value)}, but a values file must be a map of keys`,
        'Write it as "key: value" lines, for example "replicas: 2".',
      );
    }
    return value;
  }

  private fail(node: Position, what: string, fix: string): never {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? undefined : this.lines.linePos(offset);
    const where = pos ? `line ${pos.line} column ${pos.col}` : 'unknown position';
    throw new UserError(`values file ${this.source}, ${where}: ${what}. ${fix}`);
  }

  /** go-yaml v2's defence against "billion laughs" documents, with the same thresholds. */
  private count(node: Position): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      this.fail(node, 'the document contains excessive aliasing', 'Reduce how often aliases (*name) expand other aliases.');
    }
  }

  private withAlias<T>(alias: Alias, use: (target: NonNullable<ReturnType<Alias['resolve']>>) => T): T {
    const target = alias.resolve(this.doc);
    if (!target) {
      this.fail(
        alias,
        `alias *${alias.source} refers to an anchor that is not defined before it`,
        `Define &${alias.source} earlier in the same document; anchors do not carry across "---".`,
      );
    }
    if (this.expanding.has(alias)) {
      this.fail(alias, `anchor &${alias.source} contains an alias to itself`, 'Remove the self-reference.');
    }
    this.expanding.add(alias);
    this.aliasDepth++;
    try {
      return use(target);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(alias);
    }
  }

  private value(node: unknown): unknown {
    this.count(node as Position);
    if (node === null || node === undefined) return null;
    if (yaml().isAlias(node)) return this.withAlias(node, (target) => this.value(target));
    if (yaml().isScalar(node)) return this.scalarValue(node);
    if (yaml().isMap(node)) {
      const out: ValueMap = {};
      this.mapInto(out, node);
      return out;
    }
    if (yaml().isSeq(node)) return node.items.map((item) => this.value(item));
    if (yaml().isPair(node)) {
      // A "key: value" written directly inside a flow list is a one-entry map.
      const out: ValueMap = {};
      setKey(out, this.key(node.key, node.value), this.value(node.value));
      return out;
    }
    return this.fail(node as Position, 'unsupported YAML node', 'Simplify this value.');
  }

  /**
   * go-yaml v2 applies "<<" where it stands: merged keys overwrite keys written before the "<<"
   * and are overwritten by keys written after it. In a list of merges the first one wins.
   */
  private mapInto(out: ValueMap, map: YAMLMap): void {
    const seen = new Map<string, Position>();
    for (const pair of map.items) {
      if (this.isMergeKey(pair.key)) {
        this.merge(out, pair.value ?? null, pair.key as Position);
        continue;
      }
      const key = this.key(pair.key, pair.value ?? map);
      const first = seen.get(key);
      if (first !== undefined) {
        const firstPos = first?.range ? this.lines.linePos(first.range[0]) : undefined;
        this.fail(
          (pair.key as Position) ?? map,
          `key "${key}" appears twice in the same map${firstPos ? ` (first at line ${firstPos.line})` : ''}`,
          'Remove one of them (Helm would silently keep the last one).',
        );
      }
      seen.set(key, (pair.key as Position) ?? map);
      setKey(out, key, this.value(pair.value));
    }
  }

  private isMergeKey(key: unknown): boolean {
    if (!yaml().isScalar(key) || key.value !== '<<') return false;
    return key.tag === TAG.merge || key.tag === '!' || (key.tag === undefined && key.type === 'PLAIN');
  }

  private merge(out: ValueMap, node: unknown, at: Position): void {
    const wantMap = (): never =>
      this.fail(
        (node as Position) ?? at,
        'the merge key << must be followed by a map, an alias to a map, or a list of those',
        'Check what the value after "<<:" is or what its alias points to.',
      );
    const mergeOne = (item: unknown): void => {
      if (yaml().isAlias(item)) {
        this.withAlias(item, (target) => (yaml().isMap(target) ? this.mapInto(out, target) : wantMap()));
      } else if (yaml().isMap(item)) {
        this.mapInto(out, item);
      } else {
        wantMap();
      }
    };
    if (yaml().isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) mergeOne(node.items[i]);
    } else {
      mergeOne(node);
    }
  }

  /** sigs.k8s.io/yaml turns int, float and bool keys into text; null, huge and collection keys fail. */
  private key(node: unknown, near: unknown): string {
    this.count(node as Position);
    const at = ((node as Position) ?? near) as Position;
    if (node === null || node === undefined) {
      return this.fail(at, 'a key is empty', 'Write a name before the ":"; quote it ("") if you really want an empty key.');
    }
    if (yaml().isAlias(node)) return this.withAlias(node, (target) => this.key(target, near));
    if (!yaml().isScalar(node)) {
      return this.fail(at, `${yaml().isSeq(node) ? 'a list' : 'a map'} cannot be used as a key`, 'Use a plain text key.');
    }
    const r = this.resolve(node);
    switch (r.kind) {
      case 'str':
      case 'timestamp':
        return r.value;
      case 'bool':
        return r.value ? 'true' : 'false';
      case 'float':
        return formatFloatKey(r.value);
      case 'int':
        if (r.value > 2n ** 63n - 1n) {
          return this.fail(at, `the key ${node.value} is too large to be a number key`, `Quote it ("${node.value}") to use it as text.`);
        }
        return r.value.toString();
      case 'null':
        return this.fail(at, `the key "${node.value}" means null, which cannot be a key`, `Quote it ("${node.value}") to use it as text.`);
    }
  }

  private resolve(node: Scalar): Resolved {
    const text = String(node.value);
    try {
      if (node.tag === '!') return { kind: 'str', value: text };
      if (node.tag) return resolveTagged(node.tag, text);
      if (node.type === 'PLAIN') return resolvePlain(text);
      return { kind: 'str', value: text };
    } catch (err) {
      if (err instanceof ScalarTagError) {
        return this.fail(node, err.message, 'Remove the tag or change the value to match it.');
      }
      throw err;
    }
  }

  private scalarValue(node: Scalar): unknown {
    const r = this.resolve(node);
    switch (r.kind) {
      case 'null':
        return null;
      case 'int':
        return Number(r.value);
      case 'float':
        if (!Number.isFinite(r.value)) {
          return this.fail(
            node,
            `${String(node.value)} is not a finite number, and values pass through JSON, which has no infinity or NaN`,
            `Quote it ("${String(node.value)}") to keep it as text.`,
          );
        }
        return r.value;
      default:
        return r.value;
    }
  }
}
