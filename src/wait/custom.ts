import { describeObject, type K8sObject } from '../core/object.js';
import { UserError } from '../core/errors.js';
import { evaluateJsonPath, formatJsonPathValue, parseJsonPath, type JsonPath } from './jsonpath.js';
import type { Readiness, ReadinessRule } from './types.js';
import { conditions, generationLag, isStale, reasonText, toReadiness } from './util.js';

export const WAIT_FOR_ANNOTATION = 'inferctl.io/wait-for';
export const SKIP_WAIT_ANNOTATION = 'inferctl.io/skip-wait';

export type WaitFor =
  | { kind: 'condition'; type: string; status: string; text: string }
  | { kind: 'jsonpath'; path: JsonPath; value?: string; text: string };

const USAGE =
  'use kubectl wait syntax: "condition=Ready", "condition=Ready=False", "jsonpath={.status.phase}=Running" ' +
  'or "jsonpath={.status.url}" (the field exists), several separated by ";"';

/** Splits on ";" outside quotes and brackets, so a filter literal may contain one. */
function splitEntries(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
    else if (ch === ';' && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((e) => e.trim()).filter(Boolean);
}

/** Where the JSONPath expression ends: after a quoted or braced form, or at the first top-level "=". */
function expressionEnd(s: string): number {
  if (s.startsWith("'") || s.startsWith('"')) {
    const end = s.indexOf(s[0], 1);
    if (end < 0) throw new Error('unterminated quote around the JSONPath');
    return end + 1;
  }
  let depth = 0;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0 && s.startsWith('{') && ch === '}') return i + 1;
    } else if (ch === '=' && depth === 0) return i;
  }
  if (depth !== 0) throw new Error('unbalanced brackets in the JSONPath');
  return s.length;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s;
}

function parseEntry(entry: string): WaitFor {
  const cond = /^condition=([^=\s]+)(?:=([^=\s]+))?$/i.exec(entry);
  if (cond) return { kind: 'condition', type: cond[1], status: cond[2] ?? 'True', text: entry };
  if (/^condition=/i.test(entry)) throw new Error(`"${entry}" is not condition=<Type> or condition=<Type>=<Status>`);
  if (!/^jsonpath=/i.test(entry)) throw new Error(`"${entry}" is neither condition=... nor jsonpath=...`);
  const rest = entry.slice('jsonpath='.length).trim();
  const end = expressionEnd(rest);
  const expression = unquote(rest.slice(0, end));
  const tail = rest.slice(end).trim();
  let path: JsonPath;
  try {
    path = parseJsonPath(expression);
  } catch (err) {
    throw new Error(`"${entry}": ${(err as Error).message}`);
  }
  if (!tail) return { kind: 'jsonpath', path, text: entry };
  if (!tail.startsWith('=') || tail.length === 1) throw new Error(`"${entry}": expected "=<value>" after the JSONPath`);
  return { kind: 'jsonpath', path, value: unquote(tail.slice(1).trim()), text: entry };
}

function annotationError(obj: K8sObject, key: string, value: string, problem: string): UserError {
  return new UserError(`${describeObject(obj)}: annotation ${key}: "${value}": ${problem}`);
}

/** The parsed `inferctl.io/wait-for` annotation, or undefined when absent. Throws a UserError on bad syntax. */
export function waitForOf(obj: K8sObject): WaitFor[] | undefined {
  const value = obj.metadata.annotations?.[WAIT_FOR_ANNOTATION];
  if (value === undefined) return undefined;
  try {
    const entries = splitEntries(String(value)).map(parseEntry);
    if (entries.length === 0) throw new Error('is empty');
    return entries;
  } catch (err) {
    throw annotationError(obj, WAIT_FOR_ANNOTATION, String(value), `${(err as Error).message}; ${USAGE}`);
  }
}

/** `inferctl.io/skip-wait: "true"`; throws a UserError for values other than true/false. */
export function skipsWait(obj: K8sObject): boolean {
  const value = obj.metadata.annotations?.[SKIP_WAIT_ANNOTATION];
  if (value === undefined) return false;
  const v = String(value).trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw annotationError(obj, SKIP_WAIT_ANNOTATION, String(value), 'must be "true" or "false"');
}

/** Checks both annotations without evaluating anything (for render/lint time). */
export function validateWaitAnnotations(obj: K8sObject): void {
  skipsWait(obj);
  waitForOf(obj);
}

/** Why the wait is not met yet, or undefined when it is (kubectl wait semantics, case-insensitive). */
function unmet(obj: K8sObject, w: WaitFor): string | undefined {
  if (w.kind === 'condition') {
    const c = conditions(obj).find((x) => x.type.toLowerCase() === w.type.toLowerCase());
    if (!c) return `condition ${w.type} is not reported yet`;
    if (isStale(obj, c)) return `condition ${w.type} is for an older generation`;
    if (c.status.toLowerCase() === w.status.toLowerCase()) return undefined;
    const why = reasonText(c.reason, c.message);
    return `condition ${w.type} is ${c.status}, want ${w.status}${why ? ` (${why})` : ''}`;
  }
  const found = evaluateJsonPath(w.path, obj).filter((v) => v !== null);
  const shown = w.path.source;
  if (w.value === undefined) return found.length > 0 ? undefined : `${shown} is not set`;
  if (found.length === 0) return `${shown} is not set, want "${w.value}"`;
  const values = found.map(formatJsonPathValue);
  if (values.every((v) => v === w.value)) return undefined;
  return `${shown} is ${values.map((v) => `"${v}"`).join(', ')}, want "${w.value}"`;
}

/**
 * The user's waits decide readiness; the kind's own rule still reports 'failed' (a crashing Pod
 * should not wait out the timeout just because someone added a condition wait).
 */
export function customRule(waits: WaitFor[], base: ReadinessRule): ReadinessRule {
  return {
    id: `custom(${base.id})`,
    matches: () => true,
    related: base.related,
    evaluate(obj, related): Readiness {
      const lag = generationLag(obj);
      const problems = waits.map((w) => [w, unmet(obj, w)] as const).filter(([, p]) => p !== undefined);
      if (!lag && problems.length === 0) {
        return toReadiness(obj, { state: 'ready', text: `custom wait met (${waits.map((w) => w.text).join('; ')})` });
      }
      const fromBase = base.evaluate(obj, related);
      if (fromBase.state === 'failed') return fromBase;
      const text = lag ?? problems.map(([w, p]) => `waiting for ${w.text}: ${p}`).join('; ');
      return toReadiness(obj, { state: 'progressing', text });
    },
  };
}

export const skipRule: ReadinessRule = {
  id: 'skip',
  matches: () => true,
  evaluate: (obj) => toReadiness(obj, { state: 'ready', text: `not waited for (${SKIP_WAIT_ANNOTATION}: "true")` }),
};
