import {
  CelScalar,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  parse,
  plan,
  type CelEnv,
  type CelFunc,
  type CelInput,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { isIP } from 'node:net';

/**
 * CEL for `x-kubernetes-validations`, on @bufbuild/cel (RE2 `matches`, the CEL strings extension and
 * `has()` on any select; see the comparison in the lead's report). Kubernetes adds its own libraries;
 * only the parts that the shipped CRDs use, plus a few cheap neighbours, are provided here. A rule that
 * calls anything else is reported as not evaluated instead of guessed at.
 */

export interface CelStats {
  /** Rule executions that produced a verdict. */
  evaluated: number;
  /** Rule executions that could not be evaluated (unsupported function, parse or runtime error). */
  skipped: number;
  /** Transition rules (they use oldSelf) seen without an old object: the apiserver skips them too. */
  transitionSkipped: number;
  /** Why rules were skipped, with counts: for the lint summary. */
  skipReasons: Record<string, number>;
}

export function newCelStats(): CelStats {
  return { evaluated: 0, skipped: 0, transitionSkipped: 0, skipReasons: {} };
}

export function noteSkip(stats: CelStats | undefined, reason: string, count = 1): void {
  if (!stats || count === 0) return;
  stats.skipped += count;
  stats.skipReasons[reason] = (stats.skipReasons[reason] ?? 0) + count;
}

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export type CompiledRule =
  | { ok: true; usesOldSelf: boolean; run(self: unknown, oldSelf?: unknown): CelOutcome }
  | { ok: false; reason: string };

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kubernetes' `format.<name>()` library: each returns a named format whose `validate` gives null or a list of errors. */
const namedFormats: Record<string, (s: string) => string[]> = {
  dns1123Label: (s) => (s.length <= 63 && dns1123Label.test(s) ? [] : ['must be a valid RFC 1123 label']),
  dns1123Subdomain: (s) => (s.length <= 253 && dns1123Subdomain.test(s) ? [] : ['must be a valid RFC 1123 subdomain']),
  dns1035Label: (s) => (s.length <= 63 && dns1035Label.test(s) ? [] : ['must be a valid RFC 1035 label']),
  labelValue: (s) => (s.length <= 63 && labelValue.test(s) ? [] : ['must be a valid label value']),
  qualifiedName: (s) => {
    const parts = s.split('/');
    const name = parts.length === 2 ? parts[1] : parts[0];
    const prefixOk = parts.length === 1 || (parts.length === 2 && parts[0].length <= 253 && dns1123Subdomain.test(parts[0]));
    return prefixOk && parts.length <= 2 && name.length <= 63 && qualifiedNamePart.test(name) ? [] : ['must be a qualified name'];
  },
};

const FORMAT_PREFIX = 'k8s-format:';

function k8sFuncs(): CelFunc[] {
  const funcs: CelFunc[] = [
    celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s) => isIP(s) !== 0),
    celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s) => isCidr(s)),
    celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => isUrl(s)),
    // The format value is modelled as a tagged string so that `validate` needs no custom CEL type.
    celMethod('validate', CelScalar.STRING, [CelScalar.STRING], CelScalar.DYN, function (this: string, value: string) {
      const check = this.startsWith(FORMAT_PREFIX) ? namedFormats[this.slice(FORMAT_PREFIX.length)] : undefined;
      if (!check) throw new Error(`validate() called on a value that is not a format`);
      const errors = check(value);
      return errors.length === 0 ? null : errors;
    }),
  ];
  for (const name of Object.keys(namedFormats)) {
    funcs.push(celFunc(`format.${name}`, [], CelScalar.STRING, () => FORMAT_PREFIX + name));
  }
  return funcs;
}

function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const family = isIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function isUrl(s: string): boolean {
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
}

let env: CelEnv | undefined;
function getEnv(): CelEnv {
  env ??= celEnv({ funcs: [...strings, ...k8sFuncs()] });
  return env;
}

/** Calls the planner resolves itself (operators and macros), not through the function registry. */
const SPECIAL_FORMS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false', '_?._', '_[?_]', 'or', 'orValue']);

interface ExprNode {
  exprKind: { case: string | undefined; value?: unknown };
}

/** Names of functions the expression calls that the environment does not provide. */
function unsupportedCalls(root: ExprNode, celEnvironment: CelEnv): string[] {
  const missing = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const e = node as ExprNode;
    const kind = e.exprKind?.case;
    const v = e.exprKind?.value as Record<string, unknown> | undefined;
    if (kind === 'callExpr' && v) {
      const fn = v.function as string;
      const target = v.target as ExprNode | undefined;
      let name = fn;
      if (target?.exprKind?.case === 'identExpr') {
        const qualified = `${(target.exprKind.value as { name: string }).name}.${fn}`;
        if (celEnvironment.funcs.find(qualified)) name = qualified;
      }
      if (!SPECIAL_FORMS.has(name) && !celEnvironment.funcs.find(name)) missing.add(name);
      if (name === fn) visit(target);
      for (const a of (v.args as unknown[]) ?? []) visit(a);
      return;
    }
    if (v) for (const child of Object.values(v)) {
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(root);
  return [...missing].sort();
}

function referencesOldSelf(root: unknown): boolean {
  let found = false;
  const visit = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    const e = node as ExprNode;
    if (e.exprKind?.case === 'identExpr' && (e.exprKind.value as { name: string }).name === 'oldSelf') {
      found = true;
      return;
    }
    const v = e.exprKind?.value;
    if (v && typeof v === 'object') for (const child of Object.values(v)) {
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(root);
  return found;
}

const cache = new Map<string, CompiledRule>();

/** Parses and plans a rule once per distinct text (the CRDs repeat the same rules hundreds of times). */
export function compileRule(rule: string): CompiledRule {
  const hit = cache.get(rule);
  if (hit) return hit;
  const compiled = compileUncached(rule);
  cache.set(rule, compiled);
  return compiled;
}

function compileUncached(rule: string): CompiledRule {
  const e = getEnv();
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rule);
  } catch (err) {
    return { ok: false, reason: `parse error: ${firstLine(err)}` };
  }
  const root = parsed.expr as unknown as ExprNode;
  const missing = unsupportedCalls(root, e);
  if (missing.length > 0) return { ok: false, reason: `unsupported function ${missing.join(', ')}` };
  let program: (ctx: Record<string, CelInput>) => unknown;
  try {
    program = plan(e, parsed) as unknown as (ctx: Record<string, CelInput>) => unknown;
  } catch (err) {
    return { ok: false, reason: `plan error: ${firstLine(err)}` };
  }
  return {
    ok: true,
    usesOldSelf: referencesOldSelf(root),
    run(self, oldSelf) {
      try {
        const ctx: Record<string, CelInput> = { self: self as CelInput };
        if (oldSelf !== undefined) ctx.oldSelf = oldSelf as CelInput;
        const value = program(ctx);
        if (isCelError(value)) return { ok: false, error: value.message };
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: firstLine(err) };
      }
    },
  };
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
