import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { groupOf, versionOf, type K8sObject } from '../core/object.js';
import { compileRule, newCelStats, type CelStats } from './cel.js';
import { shippedCrdsDir, shippedInstallDir } from './paths.js';
import { compileStructuralSchema, type Schema, type SchemaIssue, type StructuralValidator } from './structural-schema.js';

/**
 * CRDs indexed by group+kind. Parsing YAML is the expensive part (about 1.5 s for all upstream CRDs), so
 * loading only splits documents and reads group/kind with a cheap scan; a CRD is parsed, and its schema
 * compiled, the first time an object of its kind is validated.
 */

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  schema?: { openAPIV3Schema?: object };
}

export interface CustomResourceDefinition {
  apiVersion: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; plural: string; singular?: string; listKind?: string };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

export interface CelCoverage {
  /** Rules in all served versions of all loaded CRDs, counting repeats. */
  rules: number;
  compiled: number;
  uniqueRules: number;
  uniqueCompiled: number;
  /** Reasons the others do not compile, with counts over all rules. */
  notCompiled: Record<string, number>;
}

export interface CrdCatalog {
  validate(obj: K8sObject): SchemaIssue[];
  /** True when a CRD for the object's group and kind was loaded (the version may still be wrong). */
  has(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): boolean;
  /** The CRD for a group and kind, parsed on demand. */
  get(group: string, kind: string): CustomResourceDefinition | undefined;
  /** `Kind.group` of every CRD found, sorted. */
  groupKinds(): string[];
  /** Files that held CRDs, in load order. */
  sources(): string[];
  celStats(): CelStats;
  /** Parses every CRD (slow) and reports how many CEL rules the evaluator can compile. */
  celCoverage(): CelCoverage;
}

interface Entry {
  key: string;
  source: string;
  text: string;
  crd?: CustomResourceDefinition;
  validators: Map<string, StructuralValidator>;
}

/**
 * The CRDs of every pinned project, all shipped in the package: the install manifests the operators
 * chart renders (each CRD once; the first file that has a kind wins), then the CRDs no install
 * manifest carries.
 */
export function defaultCrdDirs(): string[] {
  const subdirs = (root: string) => readdirSync(root).sort().filter((d) => statSync(join(root, d)).isDirectory()).map((d) => join(root, d));
  return [...subdirs(shippedInstallDir()), ...subdirs(shippedCrdsDir())];
}

export function loadCrdCatalog(dirs: string[] = defaultCrdDirs()): CrdCatalog {
  const entries = new Map<string, Entry>();
  const sources: string[] = [];
  const stats = newCelStats();

  const add = (key: string, source: string, text: string, crd?: CustomResourceDefinition): void => {
    if (entries.has(key)) return;
    entries.set(key, { key, source, text, crd, validators: new Map() });
    if (!sources.includes(source)) sources.push(source);
  };

  for (const file of dirs.flatMap((d) => listFiles(d))) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.json')) {
      for (const crd of crdsIn(JSON.parse(text))) add(keyOf(crd), file, '', crd);
      continue;
    }
    for (const doc of text.split(/^---[ \t]*(?:#.*)?$/m)) {
      if (!doc.includes('CustomResourceDefinition')) continue;
      const quick = quickIndex(doc);
      if (quick) add(quick, file, doc);
      else for (const crd of parseDoc(doc)) add(keyOf(crd), file, '', crd);
    }
  }

  const load = (entry: Entry): CustomResourceDefinition | undefined => {
    if (!entry.crd) {
      entry.crd = parseDoc(entry.text).find((c) => keyOf(c) === entry.key);
      entry.text = '';
    }
    return entry.crd;
  };

  const validatorFor = (entry: Entry, crd: CustomResourceDefinition, version: CrdVersion): StructuralValidator | undefined => {
    let v = entry.validators.get(version.name);
    const schema = version.schema?.openAPIV3Schema;
    if (!v && schema) {
      v = compileStructuralSchema(schema, { resourceRoot: true, celStats: stats });
      entry.validators.set(version.name, v);
    }
    return v;
  };

  return {
    validate(obj) {
      const group = groupOf(obj.apiVersion);
      const entry = entries.get(`${obj.kind}.${group}`);
      if (!entry) return [{ path: 'kind', message: `no CustomResourceDefinition loaded for kind "${obj.kind}" in group "${group}"` }];
      const crd = load(entry);
      if (!crd) return [{ path: 'kind', message: `could not parse the CustomResourceDefinition for ${entry.key} in ${entry.source}` }];
      const versionName = versionOf(obj.apiVersion);
      const version = crd.spec.versions.find((v) => v.name === versionName);
      const served = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
      if (!version || !version.served) {
        const what = version ? 'is not served' : 'does not exist';
        return [{ path: 'apiVersion', message: `version "${versionName}" of ${entry.key} ${what}; served versions: ${served.join(', ') || 'none'}` }];
      }
      const issues: SchemaIssue[] = [];
      const ns = obj.metadata?.namespace;
      if (crd.spec.scope === 'Namespaced' && !ns) issues.push({ path: 'metadata.namespace', message: `${obj.kind} is namespaced but metadata.namespace is not set` });
      if (crd.spec.scope === 'Cluster' && ns) issues.push({ path: 'metadata.namespace', message: `${obj.kind} is cluster-scoped but metadata.namespace is "${ns}"` });
      const validator = validatorFor(entry, crd, version);
      if (validator) issues.push(...validator(obj));
      return issues;
    },
    has(obj) {
      return entries.has(`${obj.kind}.${groupOf(obj.apiVersion)}`);
    },
    get(group, kind) {
      const entry = entries.get(`${kind}.${group}`);
      return entry ? load(entry) : undefined;
    },
    groupKinds() {
      return [...entries.keys()].sort();
    },
    sources() {
      return [...sources];
    },
    celStats() {
      return structuredClone(stats);
    },
    celCoverage() {
      const cov: CelCoverage = { rules: 0, compiled: 0, uniqueRules: 0, uniqueCompiled: 0, notCompiled: {} };
      const unique = new Map<string, boolean>();
      for (const entry of entries.values()) {
        const crd = load(entry);
        for (const v of crd?.spec.versions ?? []) {
          if (!v.served) continue;
          forEachRule(v.schema?.openAPIV3Schema as Schema | undefined, (rule) => {
            const c = compileRule(rule);
            cov.rules++;
            unique.set(rule, c.ok);
            if (c.ok) cov.compiled++;
            else cov.notCompiled[c.reason] = (cov.notCompiled[c.reason] ?? 0) + 1;
          });
        }
      }
      cov.uniqueRules = unique.size;
      cov.uniqueCompiled = [...unique.values()].filter(Boolean).length;
      return cov;
    },
  };
}

function listFiles(path: string): string[] {
  if (!existsSync(path)) throw new Error(`CRD path ${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const full = join(path, name);
      if (statSync(full).isDirectory()) return listFiles(full);
      return /\.(ya?ml|json)$/.test(name) ? [full] : [];
    });
}

function keyOf(crd: CustomResourceDefinition): string {
  return `${crd.spec.names.kind}.${crd.spec.group}`;
}

/** `Kind.group` from the usual (controller-gen, kubectl) layout, or undefined to fall back to a full parse. */
function quickIndex(doc: string): string | undefined {
  if (!/^kind:[ \t]*["']?CustomResourceDefinition["']?[ \t]*$/m.test(doc)) return undefined;
  const group = /^ {2}group:[ \t]*["']?([A-Za-z0-9.-]+)["']?[ \t]*$/m.exec(doc)?.[1];
  const names = /^ {2}names:[ \t]*\n((?: {4}.*\n| *\n)*)/m.exec(doc)?.[1];
  const kind = names && /^ {4}kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*$/m.exec(names)?.[1];
  return group && kind ? `${kind}.${group}` : undefined;
}

function parseDoc(text: string): CustomResourceDefinition[] {
  // js-yaml, not the project's `yaml`: it parses the 2 MB KServe CRD in 0.25 s instead of 2 s.
  return loadAll(text).flatMap(crdsIn);
}

function crdsIn(value: unknown): CustomResourceDefinition[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as { kind?: unknown; items?: unknown; spec?: { group?: unknown; names?: { kind?: unknown } } };
  if (v.kind === 'CustomResourceDefinition' && typeof v.spec?.group === 'string' && typeof v.spec.names?.kind === 'string') {
    return [value as CustomResourceDefinition];
  }
  return Array.isArray(v.items) ? v.items.flatMap(crdsIn) : [];
}

function forEachRule(schema: Schema | undefined, fn: (rule: string) => void): void {
  if (!schema || typeof schema !== 'object') return;
  for (const r of schema['x-kubernetes-validations'] ?? []) fn(r.rule);
  for (const sub of Object.values(schema.properties ?? {})) forEachRule(sub, fn);
  if (typeof schema.additionalProperties === 'object') forEachRule(schema.additionalProperties, fn);
  forEachRule(schema.items, fn);
  for (const list of [schema.allOf, schema.anyOf, schema.oneOf]) for (const sub of list ?? []) forEachRule(sub, fn);
  forEachRule(schema.not, fn);
}
