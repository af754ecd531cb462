/**
 * x-kubernetes-validations rules for the simulator, on @bufbuild/cel (standard library and the
 * strings extension). Kubernetes' own CEL libraries (quantity, ip, url, format...) are not
 * provided: a rule that needs one ends in "unbound function" and counts as passed, as does any
 * rule that errors at run time, so the simulator never refuses what a cluster might accept.
 */
import { celEnv, isCelError, parse, plan, type CelEnv, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { isObj } from './util.js';

type Schema = Record<string, any>;
type Program = (ctx: Record<string, CelInput>) => unknown;

export interface RuleSpec {
  rule: string;
  messageExpression?: string;
  optionalOldSelf?: boolean;
}

let env: CelEnv | undefined;
const programs = new Map<string, Program | null>();

/** Parsed and planned once per distinct text: upstream CRDs repeat the same rules many times. */
function compile(text: string): Program | null {
  let p = programs.get(text);
  if (p === undefined) {
    try {
      env ??= celEnv({ funcs: [...strings] });
      p = plan(env, parse(text)) as unknown as Program;
    } catch {
      p = null;
    }
    programs.set(text, p);
  }
  return p;
}

/** Integers are CEL ints (int64) where the schema says integer, or where it says nothing and the value is whole. */
function toCel(v: unknown, s: Schema | undefined): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && s?.type !== 'number' ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => toCel(x, isObj(s?.items) ? s.items : undefined));
  if (isObj(v)) {
    const props = isObj(s?.properties) ? s.properties : {};
    const extra = isObj(s?.additionalProperties) ? s.additionalProperties : undefined;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x, isObj(props[k]) ? props[k] : extra)]));
  }
  return v;
}

/** Passed, or failed with the message a messageExpression produced (undefined: use message or the rule text). */
export type RuleVerdict = { ok: true } | { ok: false; message?: string };

export function evaluateRule(spec: RuleSpec, self: unknown, oldSelf: unknown, schema: Schema): RuleVerdict {
  const program = compile(spec.rule);
  if (!program) return { ok: true };
  // Transition rules only run on updates that have an old value (optionalOldSelf needs CEL optionals, not modelled).
  if (/\boldSelf\b/.test(spec.rule) && (oldSelf === undefined || spec.optionalOldSelf)) return { ok: true };
  const ctx: Record<string, CelInput> = { self: toCel(self, schema) as CelInput };
  if (oldSelf !== undefined) ctx.oldSelf = toCel(oldSelf, schema) as CelInput;
  let result: unknown;
  try {
    result = program(ctx);
  } catch {
    return { ok: true };
  }
  if (result !== false) return { ok: true };
  if (spec.messageExpression) {
    const messageProgram = compile(spec.messageExpression);
    try {
      const m = messageProgram?.(ctx);
      if (typeof m === 'string' && m.trim() && !isCelError(m)) return { ok: false, message: m };
    } catch {
      // Upstream falls back to message when the expression fails.
    }
  }
  return { ok: false };
}
