import { UserError } from '../core/errors.js';
import { JsonScanError, parseJson } from './json-scan.js';
import { mergeMaps } from './merge.js';
import { Provenance } from './provenance.js';
import { FLAG_OF_KIND, parseInto, type SetKind, type ValuePath } from './strvals.js';
import { isMap, type ValueMap } from './util.js';
import { parseValuesYaml } from './yaml.js';

export interface ValueOptions {
  valueFiles: string[];
  values: string[];
  stringValues: string[];
  fileValues: string[];
  jsonValues: string[];
  literalValues: string[];
}

export interface MergedValues {
  values: Record<string, unknown>;
  /** where a key path was last set: 'values file ./x.yaml' or '--set a.b=1' */
  sourceOf(path: readonly (string | number)[]): string | undefined;
}

function isStdin(path: string): boolean {
  return path.trim() === '-';
}

function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}

/**
 * Helm's MergeValues (pkg/cli/values/options.go): every -f file in order, then --set-json,
 * --set, --set-string, --set-file and --set-literal, each later source winning. `readFile('-')`
 * must return standard input.
 */
export function mergeValueOptions(opts: ValueOptions, io: { readFile(path: string): string }): MergedValues {
  const provenance = new Provenance();
  let base: ValueMap = {};

  for (const file of opts.valueFiles) {
    const stdin = isStdin(file);
    let text: string;
    try {
      text = io.readFile(stdin ? '-' : file);
    } catch (err) {
      throw new UserError(
        `cannot read values file ${file} (given with -f/--values): ${reasonOf(err)}. Check the path and that the file is readable; use "-f -" to read values from standard input.`,
      );
    }
    const current = parseValuesYaml(text, stdin ? '- (standard input)' : file);
    provenance.recordMerge([], base, current, stdin ? 'values file - (standard input)' : `values file ${file}`);
    base = mergeMaps(base, current);
  }

  for (const expr of opts.jsonValues) {
    const trimmed = expr.trim();
    if (trimmed.startsWith('{')) {
      // Helm takes a whole JSON object here and merges it like a values file.
      const object = parseJsonObject(expr, trimmed);
      provenance.recordMerge([], base, object, `--set-json ${trimmed}`);
      base = mergeMaps(base, object);
    } else {
      parseWithProvenance(expr, base, 'json', provenance, io);
    }
  }
  for (const expr of opts.values) parseWithProvenance(expr, base, 'set', provenance, io);
  for (const expr of opts.stringValues) parseWithProvenance(expr, base, 'string', provenance, io);
  for (const expr of opts.fileValues) parseWithProvenance(expr, base, 'file', provenance, io);
  for (const expr of opts.literalValues) parseWithProvenance(expr, base, 'literal', provenance, io);

  const values = base;
  return { values, sourceOf: (path: ValuePath) => provenance.sourceOf(path) };
}

function parseJsonObject(expr: string, trimmed: string): ValueMap {
  let parsed: unknown;
  try {
    parsed = parseJson(trimmed);
  } catch (err) {
    if (!(err instanceof SyntaxError) && !(err instanceof JsonScanError)) throw err;
    throw new UserError(
      `--set-json "${expr}": a value starting with "{" is read as one JSON object, but it is not valid JSON (${reasonOf(err)}). Check the quotes and braces, or use the key=<json> form.`,
    );
  }
  if (!isMap(parsed)) throw new UserError(`--set-json "${expr}": a value starting with "{" must be one JSON object.`);
  return parsed;
}

function parseWithProvenance(
  expr: string,
  base: ValueMap,
  kind: SetKind,
  provenance: Provenance,
  io: { readFile(path: string): string },
): void {
  const flag = FLAG_OF_KIND[kind];
  parseInto(expr, base, kind, {
    readFile: (path) => io.readFile(path),
    onSet: (path, replaced, pair) => {
      const source = `${flag} ${pair}`;
      if (replaced) provenance.recordTree(path, valueAt(base, path), source);
      else provenance.record(path, source, false);
    },
  });
}

function valueAt(root: unknown, path: ValuePath): unknown {
  let current = root;
  for (const seg of path) {
    if (typeof seg === 'number' && Array.isArray(current)) current = current[seg];
    else if (typeof seg === 'string' && isMap(current) && Object.prototype.hasOwnProperty.call(current, seg)) current = current[seg];
    else return undefined;
  }
  return current;
}
