import { describeObject, groupKind, isPlainObject, type K8sObject } from '../core/object.js';
import { BUILTIN_SCHEMA_SOURCE, validateBuiltin } from './builtin-schemas.js';
import { newCelStats, type CelStats } from './cel.js';
import { defaultCrdDirs, loadCrdCatalog, type CrdCatalog } from './crd-catalog.js';
import { operatorProvidedRefs, type ProvidedRef } from './implied.js';
import { checkNames } from './names.js';
import { checkRestricted, type PodSecurityExemption } from './pod-security.js';
import { checkReferences } from './references.js';

export type { ProvidedRef } from './implied.js';
export type { PodSecurityExemption, PodSecurityIssue } from './pod-security.js';
export type { SchemaIssue } from './structural-schema.js';
export type { CrdCatalog } from './crd-catalog.js';
export type { CelStats } from './cel.js';
export { loadCrdCatalog, defaultCrdDirs } from './crd-catalog.js';
export { BUILTIN_SCHEMA_SOURCE } from './builtin-schemas.js';
export { operatorProvidedRefs } from './implied.js';

export interface ValidateRenderOptions {
  /** Objects something other than this render creates (users, operators, secret generators). */
  provided: ProvidedRef[];
  /** CRD files or directories (CRDs and install manifests); default: the pinned upstream CRDs shipped in the package (upstream/). */
  crdDirs?: string[];
  /** An already loaded catalog; wins over crdDirs. */
  catalog?: CrdCatalog;
  exemptions?: PodSecurityExemption[];
  /** Check Pod Security "restricted" (default true). */
  podSecurity?: boolean;
  /** Add what CNPG, KServe and Knative create for rendered resources to `provided` (default true). */
  operatorRefs?: boolean;
}

export type IssueSource = 'schema' | 'name' | 'reference' | 'pod-security' | 'render';

export interface ValidationIssue {
  object: string;
  source: IssueSource;
  path: string;
  message: string;
  /** Pod-security check id. */
  check?: string;
  /** Set on pod-security findings an exemption covers. */
  exempt?: string;
}

export interface ObjectReport {
  object: string;
  /** `Kind.group`, for grouping in output. */
  groupKind: string;
  issues: ValidationIssue[];
}

export interface ValidationReport {
  /** One entry per rendered object that has errors, in render order; issues sorted by source then path. */
  objects: ObjectReport[];
  /** All errors, flat, in the same order. */
  issues: ValidationIssue[];
  /** Pod-security findings covered by an exemption: reported, not failing. */
  exempted: ValidationIssue[];
  objectCount: number;
  /** CEL rules evaluated and not evaluated during this validation. */
  cel: CelStats;
  ok: boolean;
  summary(): string;
}

const SOURCE_ORDER: IssueSource[] = ['render', 'schema', 'name', 'reference', 'pod-security'];
const catalogs = new Map<string, CrdCatalog>();

/** Catalogs are cached per directory list: parsed CRDs and compiled schemas are reused across renders. */
export function cachedCrdCatalog(dirs: string[] = defaultCrdDirs()): CrdCatalog {
  const key = JSON.stringify(dirs);
  let c = catalogs.get(key);
  if (!c) catalogs.set(key, (c = loadCrdCatalog(dirs)));
  return c;
}

export function validateRender(input: K8sObject[], opts: ValidateRenderOptions): ValidationReport {
  // Every check assumes metadata exists; an object without it is reported instead of crashing the lint.
  const malformed = new Set<K8sObject>();
  const objects = input.map((o) => {
    if (isPlainObject(o.metadata) && typeof o.metadata.name === 'string') return o;
    const fixed = { ...o, metadata: { ...(isPlainObject(o.metadata) ? o.metadata : {}), name: '<unnamed>' } } as K8sObject;
    malformed.add(fixed);
    return fixed;
  });
  const catalog = opts.catalog ?? cachedCrdCatalog(opts.crdDirs);
  const before = catalog.celStats();
  const byObject = new Map<string, ValidationIssue[]>();
  const push = (object: string, issue: Omit<ValidationIssue, 'object'>): void => {
    const list = byObject.get(object) ?? [];
    list.push({ object, ...issue });
    byObject.set(object, list);
  };

  const seen = new Set<string>();
  for (const obj of objects) {
    const object = describeObject(obj);
    const id = `${groupKind(obj)} ${object}`;
    if (malformed.has(obj)) push(object, { source: 'render', path: 'metadata.name', message: 'Required value: every object needs metadata.name' });
    if (seen.has(id)) push(object, { source: 'render', path: 'metadata.name', message: `${groupKind(obj)} ${object} is rendered more than once` });
    seen.add(id);
    const schemaIssues = validateBuiltin(obj) ??
      (catalog.has(obj)
        ? catalog.validate(obj)
        : [{ path: 'apiVersion', message: `no schema for ${obj.kind} in ${obj.apiVersion}: not a built-in kind and no CRD for it was loaded` }]);
    for (const i of schemaIssues) push(object, { source: 'schema', ...i });
    for (const i of checkNames(obj)) if (!(malformed.has(obj) && i.path === 'metadata.name')) push(object, { source: 'name', ...i });
  }

  const provided = opts.operatorRefs === false ? opts.provided : [...opts.provided, ...operatorProvidedRefs(objects)];
  for (const r of checkReferences(objects, provided)) push(r.object, { source: 'reference', path: r.path, message: r.message });

  const exempted: ValidationIssue[] = [];
  if (opts.podSecurity !== false) {
    for (const f of checkRestricted(objects, opts.exemptions ?? [])) {
      const issue: ValidationIssue = { object: f.object, source: 'pod-security', path: f.path, message: f.message, check: f.check };
      if (f.exempt) exempted.push({ ...issue, exempt: f.exempt });
      else push(f.object, issue);
    }
  }

  const reports: ObjectReport[] = [];
  const done = new Set<string>();
  for (const obj of objects) {
    const object = describeObject(obj);
    if (done.has(object) || !byObject.has(object)) continue;
    done.add(object);
    reports.push({ object, groupKind: groupKind(obj), issues: sortIssues(byObject.get(object)!) });
  }
  const cel = diffStats(before, catalog.celStats());
  const issues = reports.flatMap((r) => r.issues);
  return {
    objects: reports,
    issues,
    exempted,
    objectCount: objects.length,
    cel,
    ok: issues.length === 0,
    summary: () => summarize(reports, exempted, objects.length, cel),
  };
}

function sortIssues(list: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return list
    .filter((i) => {
      const k = `${i.source}\u0000${i.path}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || cmp(a.path, b.path) || cmp(a.message, b.message));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function diffStats(a: CelStats, b: CelStats): CelStats {
  const d = newCelStats();
  d.evaluated = b.evaluated - a.evaluated;
  d.skipped = b.skipped - a.skipped;
  d.transitionSkipped = b.transitionSkipped - a.transitionSkipped;
  for (const [k, v] of Object.entries(b.skipReasons)) {
    const n = v - (a.skipReasons[k] ?? 0);
    if (n > 0) d.skipReasons[k] = n;
  }
  return d;
}

function summarize(reports: ObjectReport[], exempted: ValidationIssue[], count: number, cel: CelStats): string {
  const errors = reports.reduce((n, r) => n + r.issues.length, 0);
  const lines = [
    `${count} objects validated: ${errors === 0 ? 'no errors' : `${errors} error${errors === 1 ? '' : 's'} in ${reports.length} object${reports.length === 1 ? '' : 's'}`}` +
      (exempted.length ? `, ${exempted.length} exempted pod-security finding${exempted.length === 1 ? '' : 's'}` : ''),
  ];
  for (const r of reports) {
    lines.push(`${r.object} (${r.groupKind}):`);
    for (const i of r.issues) lines.push(`  [${i.source}${i.check ? ` ${i.check}` : ''}] ${i.path}: ${i.message}`);
  }
  if (exempted.length) {
    lines.push('exempted:');
    for (const i of exempted) lines.push(`  ${i.object} [${i.check}] ${i.path}: ${i.message} (exempt: ${i.exempt})`);
  }
  const reasons = Object.entries(cel.skipReasons).sort(([a], [b]) => cmp(a, b)).map(([k, v]) => `${k}: ${v}`);
  lines.push(
    `CEL rules: ${cel.evaluated} evaluated, ${cel.skipped} could not be evaluated${reasons.length ? ` (${reasons.join('; ')})` : ''}` +
      (cel.transitionSkipped ? `, ${cel.transitionSkipped} transition rules not applicable without an old object` : ''),
  );
  lines.push(`built-in kinds checked against ${BUILTIN_SCHEMA_SOURCE}`);
  return lines.join('\n');
}
