/**
 * The apiserver's request semantics, independent of HTTP: create, update (PUT), the four patch
 * types, get/list and delete, for the main resource and the status/scale subresources. Everything
 * here is synchronous, so one request observes and changes the store atomically, like an etcd
 * transaction; controllers call the same methods so they obey the same rules as clients.
 */
import type { K8sObject } from '../core/object.js';
import { parse as parseYaml } from 'yaml';
import { Admission, type AdmissionRequest } from './admission.js';
import { applySchemaDefaults, dropNulls, pruneUnknownFields } from './crd-schema.js';
import { conversionFor } from './conversion.js';
import { applyBuiltinDefaults, type DefaultingContext } from './defaults.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  fieldErr,
  invalid,
  notFound,
  plainServerError,
  RenderedValue,
  staleConflict,
  unsupportedMediaType,
  type FieldError,
} from './errors.js';
import { validateCustomResource } from './structural.js';
import { pruneBuiltinUnknownFields } from './builtin-schema.js';
import { smdPath } from './smd-path.js';
import { builtinBaseline, managedFieldsForUpdate, serverSideApply, type FieldContext, type Scope } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources.js';
import { BuiltinNav, CrdNav, type Nav } from './schema-nav.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { clone, deepEqual, isObj, k8sTime, newUid, obj, randomSuffix } from './util.js';
import { validateBuiltin, validateMetadata, validateName } from './validation.js';
import { deleteObject, type DeleteOptions, type DeleteResult, finishDeletionIfDone } from './lifecycle.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestOptions {
  /** fieldManager query parameter; defaults to the user agent's product name. */
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** Warnings to send back as `Warning: 299 - "..."` headers. */
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: K8sObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export interface ApiHooks {
  /** Extra work after a successful non-dry-run write (e.g. clusterIP bookkeeping). */
  afterWrite?: (rt: ResourceType, o: K8sObject) => void;
}

export class ApiServer {
  readonly admission: Admission;
  private readonly usedClusterIPs = new Set<string>(['10.96.0.1', '10.96.0.10']);
  private readonly usedNodePorts = new Set<number>();

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    admission: Admission,
  ) {
    this.admission = admission;
  }

  now(): string {
    return k8sTime();
  }

  // ---- reads ----

  get(rt: ResourceType, namespace: string | undefined, name: string): K8sObject {
    const o = this.load(rt, namespace, name);
    if (!o) throw notFound(rt, name);
    return o;
  }

  /** A copy of the stored object at the requested version. */
  private load(rt: ResourceType, namespace: string | undefined, name: string): K8sObject | undefined {
    const o = this.store.get(rt.storageKey, rt.namespaced ? namespace : undefined, name);
    return o ? this.present(rt, o) : undefined;
  }

  /**
   * Objects are stored at the storage version; CR versions with conversion None just relabel, and
   * versions with other field names (events.k8s.io/v1) convert. Takes ownership of `o`.
   */
  present(rt: ResourceType, o: K8sObject): K8sObject {
    const conversion = conversionFor(rt);
    const served = conversion && o.apiVersion === rt.storageVersion ? conversion.toServed(o) : o;
    served.apiVersion = apiVersionOf(rt);
    return served;
  }

  list(rt: ResourceType, namespace: string | undefined, opts: ListOptions = {}): ListResult {
    const labelSel = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
    const fieldSel = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, rt) : [];
    const rv = this.store.currentResourceVersion();
    let start = 0;
    let atRv = rv;
    if (opts.continue) {
      try {
        const token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8')) as { rv: number; start: string };
        atRv = token.rv;
        start = 0;
        const all = this.filtered(rt, namespace, labelSel, fieldSel);
        const idx = all.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.start);
        start = idx < 0 ? all.length : idx;
        return this.page(all, start, opts.limit, atRv);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw badRequest(`continue key is not valid: ${(e as Error).message}`);
      }
    }
    return this.page(this.filtered(rt, namespace, labelSel, fieldSel), start, opts.limit, atRv);
  }

  private filtered(rt: ResourceType, namespace: string | undefined, labelSel: ReturnType<typeof parseLabelSelector>, fieldSel: ReturnType<typeof parseFieldSelector>): K8sObject[] {
    return this.store
      .list(rt.storageKey, rt.namespaced ? namespace : undefined)
      .map((o) => this.present(rt, o))
      .filter((o) => matchesLabels(labelSel, o.metadata.labels) && matchesFields(fieldSel, o));
  }

  private page(all: K8sObject[], start: number, limit: number | undefined, rv: number): ListResult {
    const res: ListResult = { items: all.slice(start), resourceVersion: String(rv) };
    if (limit && limit > 0 && all.length - start > limit) {
      res.items = all.slice(start, start + limit);
      const last = res.items[res.items.length - 1];
      res.continue = Buffer.from(JSON.stringify({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64');
      res.remainingItemCount = all.length - start - limit;
    }
    return res;
  }

  // ---- writes ----

  create(rt: ResourceType, namespace: string | undefined, body: unknown, opts: RequestOptions = {}): K8sObject {
    const o = this.decodeBody(rt, body, namespace);
    this.decodeFields(rt, o, opts);
    return this.createObject(rt, namespace, o, opts, undefined);
  }

  /** Shared by POST and by apply/PUT-that-creates; `managedFields` is set when SSA computed it. */
  private createObject(rt: ResourceType, namespace: string | undefined, o: K8sObject, opts: RequestOptions, ssaManaged: unknown[] | undefined): K8sObject {
    let generateName: string | undefined;
    if (!o.metadata.name && typeof o.metadata.generateName === 'string' && o.metadata.generateName) {
      generateName = o.metadata.generateName;
      o.metadata.name = `${generateName}${randomSuffix()}`;
    }
    if (rt.namespaced) o.metadata.namespace = namespace;
    else delete o.metadata.namespace;
    if (rt.crd && this.store.peek('apiextensions.k8s.io/customresourcedefinitions', undefined, rt.crd.crdName)?.metadata.deletionTimestamp) {
      throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', {});
    }
    const nameErrs = validateName(rt, o.metadata.name);
    if (nameErrs.length) throw invalid(rt.kind, rt.group, o.metadata.name ?? '', nameErrs);

    // PrepareForCreate: server-owned metadata and, with a status subresource, no client status.
    for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'generation']) delete o.metadata[k];
    o.metadata.uid = newUid();
    o.metadata.creationTimestamp = this.now();
    if (rt.generation) o.metadata.generation = 1;
    // Built-ins that start with a status (Pod Pending, Namespace Active...) get it from defaulting.
    if (rt.status) delete o.status;

    this.normalizeCustom(rt, o);
    if (!rt.crd) applyBuiltinDefaults(o, this.defaulting(true));
    if (ssaManaged) o.metadata.managedFields = ssaManaged;
    else {
      delete o.metadata.managedFields;
      const managed = managedFieldsForUpdate(undefined, o, {
        manager: this.manager(opts),
        apiVersion: apiVersionOf(rt),
        now: this.now(),
        ctx: this.fieldContext(rt, 'main'),
        baseline: rt.crd ? undefined : builtinBaseline(o),
      });
      if (managed.length) o.metadata.managedFields = managed;
    }

    const req: AdmissionRequest = { operation: 'CREATE', rt, namespace, name: o.metadata.name, generateName, object: o, dryRun: !!opts.dryRun };
    this.admission.namespaceLifecycle(req);
    this.admission.serviceAccount(req);
    this.admission.webhooks(req, 'mutating');
    this.validate(rt, o, undefined);
    this.admission.webhooks(req, 'validating');

    if (this.store.get(rt.storageKey, o.metadata.namespace, o.metadata.name)) throw alreadyExists(rt, o.metadata.name);
    if (opts.dryRun) return this.present(rt, o);
    this.track(rt, o);
    return this.present(rt, this.store.write(rt.storageKey, this.toStorage(rt, o)));
  }

  update(rt: ResourceType, namespace: string | undefined, name: string, body: unknown, opts: RequestOptions = {}, subresource?: string): K8sObject {
    const incoming = this.decodeBody(rt, body, namespace);
    this.decodeFields(rt, incoming, opts);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
    }
    incoming.metadata.name = name;
    const old = this.load(rt, namespace, name);
    if (!old) {
      if (rt.allowCreateOnUpdate && !subresource) return this.createObject(rt, namespace, incoming, opts, undefined);
      throw notFound(rt, name);
    }
    const rv = incoming.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw staleConflict(rt, name);
    if ((rv === undefined || rv === '') && !rt.allowUnconditionalUpdate) {
      throw invalid(rt.kind, rt.group, name, [fieldErr.raw('metadata.resourceVersion', 'Invalid value: 0x0: must be specified for an update')]);
    }
    return this.updateObject(rt, old, incoming, opts, subresource, undefined);
  }

  /**
   * The shared update path: status/spec isolation, defaulting, ownership, generation, admission,
   * validation, no-op detection and the finalizer rules.
   */
  private updateObject(rt: ResourceType, old: K8sObject, incoming: K8sObject, opts: RequestOptions, subresource: string | undefined, ssaManaged: unknown[] | undefined): K8sObject {
    const scope: Scope = subresource === 'status' ? 'status' : 'main';
    let next: K8sObject;
    if (scope === 'status') {
      // Status writes change only status; everything else comes from the stored object.
      next = clone(old);
      if (incoming.status === undefined) delete next.status;
      else next.status = clone(incoming.status);
      if (incoming.metadata.managedFields !== undefined) next.metadata.managedFields = incoming.metadata.managedFields;
    } else {
      // `incoming` is already this request's own copy (decoded body, patch result or apply merge).
      next = incoming;
      if (rt.status) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      if (rt.kind === 'Namespace') next.status = clone(old.status);
      for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
        if (old.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = old.metadata[k];
      }
      next.metadata.namespace = old.metadata.namespace;
      if (rt.kind === 'Namespace') {
        // spec.finalizers changes only through /finalize; everything else only through the main resource.
        const base = subresource === 'finalize' ? clone(old) : next;
        base.spec = { ...obj(base.spec), finalizers: clone(obj((subresource === 'finalize' ? incoming : old).spec).finalizers) };
        if (base.spec && (base.spec as Record<string, unknown>).finalizers === undefined) delete (base.spec as Record<string, unknown>).finalizers;
        next = base;
      }
      this.normalizeCustom(rt, next);
      if (!rt.crd) applyBuiltinDefaults(next, { ...this.defaulting(false), old });
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;

    if (old.metadata.deletionTimestamp) {
      const before = new Set((old.metadata.finalizers as string[] | undefined) ?? []);
      const added = ((next.metadata.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
      if (added.length) {
        throw invalid(rt.kind, rt.group, old.metadata.name, [
          fieldErr.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`),
        ]);
      }
    }

    if (ssaManaged) next.metadata.managedFields = ssaManaged;
    else {
      const managed = managedFieldsForUpdate(old, next, {
        manager: this.manager(opts),
        apiVersion: apiVersionOf(rt),
        subresource: subresource && subresource !== 'finalize' ? subresource : undefined,
        now: this.now(),
        ctx: this.fieldContext(rt, scope),
        zeroStatus: !rt.crd,
      });
      if (managed.length) next.metadata.managedFields = managed;
      else delete next.metadata.managedFields;
    }

    if (rt.generation && scope === 'main' && specChanged(rt, old, next)) {
      next.metadata.generation = Number(old.metadata.generation ?? 0) + 1;
    }

    const req: AdmissionRequest = { operation: 'UPDATE', rt, namespace: old.metadata.namespace, name: old.metadata.name, subresource, object: next, oldObject: old, dryRun: !!opts.dryRun };
    this.admission.webhooks(req, 'mutating');
    this.validate(rt, next, old);
    this.admission.webhooks(req, 'validating');

    if (sameIgnoringVolatile(old, next)) return this.present(rt, old);
    if (opts.dryRun) return this.present(rt, next);
    this.track(rt, next);
    const stored = this.store.write(rt.storageKey, this.toStorage(rt, next));
    const finished = finishDeletionIfDone(this, rt, stored);
    return this.present(rt, finished ?? stored);
  }

  patch(rt: ResourceType, namespace: string | undefined, name: string, type: PatchType, body: string, opts: RequestOptions & { force?: boolean } = {}, subresource?: string): K8sObject {
    if (type === 'apply') return this.apply(rt, namespace, name, body, opts, subresource);
    // Any value counts: the apiserver rejects a non-nil PatchOptions.Force, false included.
    if (opts.force !== undefined) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldErr.forbidden('force', 'may not be specified for non-apply patch')]);
    }
    if (type === 'strategic' && rt.crd) {
      throw unsupportedMediaType('application/strategic-merge-patch+json', ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    }
    const old = this.load(rt, namespace, name);
    if (!old) throw notFound(rt, name);
    let patchDoc: unknown;
    try {
      patchDoc = JSON.parse(body);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const current = clone(old);
    let patched: unknown;
    if (type === 'json') patched = jsonPatch(current, patchDoc);
    else if (type === 'merge') patched = mergePatch(current, patchDoc);
    else patched = strategicMergePatch(current, patchDoc, this.nav(rt));
    if (!isObj(patched)) throw badRequest('patch produced a non-object');
    const result = patched as K8sObject;
    if (!isObj(result.metadata)) result.metadata = { name };
    // A resourceVersion in the patch is a precondition; otherwise the patch applies to the latest.
    const patchRv = result.metadata.resourceVersion;
    if (patchRv !== undefined && patchRv !== old.metadata.resourceVersion) throw staleConflict(rt, name);
    if (result.metadata.name !== name) throw badRequest(`the name of the object (${result.metadata.name}) does not match the name on the URL (${name})`);
    this.checkTypeMeta(rt, result);
    this.patchedFields(rt, result, opts, type === 'strategic' ? new RenderedValue(goMap(patchDoc)) : JSON.stringify(patched));
    return this.updateObject(rt, old, result, opts, subresource, undefined);
  }

  private apply(rt: ResourceType, namespace: string | undefined, name: string, body: string, opts: RequestOptions & { force?: boolean }, subresource?: string): K8sObject {
    if (!opts.fieldManager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldErr.required('fieldManager', 'is required for apply patch')]);
    }
    let config: unknown;
    try {
      // kubectl sends JSON (valid YAML); parsing it as JSON first is much faster for big CRDs.
      config = body.trimStart().startsWith('{') ? JSON.parse(body) : parseYaml(body);
    } catch {
      try {
        config = parseYaml(body);
      } catch (e) {
        throw badRequest(`error decoding YAML: ${(e as Error).message}`);
      }
    }
    if (!isObj(config)) throw badRequest('error decoding YAML: the applied configuration must be an object');
    const cfg = config as K8sObject;
    if (!cfg.apiVersion || !cfg.kind) throw badRequest(`invalid object: apiVersion and kind must be set in an apply configuration`);
    this.checkTypeMeta(rt, cfg);
    if (!isObj(cfg.metadata)) cfg.metadata = { name };
    // An empty list is still "set" (unstructured.GetManagedFields returns a non-nil slice); null is not.
    if (Array.isArray(cfg.metadata.managedFields)) throw badRequest('metadata.managedFields must be nil');
    if (cfg.metadata.name !== undefined && cfg.metadata.name !== name) {
      throw badRequest(`the name of the object (${cfg.metadata.name}) does not match the name on the URL (${name})`);
    }
    cfg.metadata.name = name;
    if (rt.namespaced) {
      if (cfg.metadata.namespace !== undefined && cfg.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      cfg.metadata.namespace = namespace;
    } else delete cfg.metadata.namespace;

    const describe = `${rt.namespaced ? namespace : ''}/${name}; ${rt.group ? `${rt.group}/` : '/'}${rt.version}, Kind=${rt.kind}`;
    // Server-side apply converts the configuration to the schema's type first, whatever fieldValidation says.
    const unknown = this.dropUnknownFields(rt, clone(cfg)).map((p) => `${smdPath(p, cfg, this.nav(rt))}: field not declared in schema`);
    if (unknown.length) {
      throw plainServerError(`failed to create typed patch object (${describe}): ${unknown.length === 1 ? unknown[0] : ['errors:', ...unknown.map((u) => `  ${u}`)].join('\n')}`);
    }
    const old = this.load(rt, namespace, name);
    const rv = cfg.metadata.resourceVersion;
    if (rv !== undefined && old && rv !== old.metadata.resourceVersion) throw staleConflict(rt, name);
    if (rv !== undefined && !old) throw notFound(rt, name);
    const scope: Scope = subresource === 'status' ? 'status' : 'main';
    if (!old && subresource) throw notFound(rt, name);
    const live = old ? clone(old) : undefined;
    const result = serverSideApply(live, cfg, {
      manager: opts.fieldManager,
      apiVersion: apiVersionOf(rt),
      subresource: scope === 'status' ? 'status' : undefined,
      force: !!opts.force,
      now: this.now(),
      ctx: this.fieldContext(rt, scope),
      describe,
    });
    if (!old) return this.createObject(rt, namespace, result.object, opts, result.managedFields);
    result.object.metadata.resourceVersion = old.metadata.resourceVersion;
    return this.updateObject(rt, old, result.object, opts, subresource, result.managedFields);
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}, opts: RequestOptions = {}): DeleteResult {
    return deleteObject(this, rt, namespace, name, options, opts);
  }

  deleteCollection(rt: ResourceType, namespace: string | undefined, list: ListOptions, options: DeleteOptions = {}, opts: RequestOptions = {}): K8sObject[] {
    const out: K8sObject[] = [];
    for (const o of this.list(rt, namespace, { labelSelector: list.labelSelector, fieldSelector: list.fieldSelector }).items) {
      const r = this.delete(rt, o.metadata.namespace, o.metadata.name, options, opts);
      out.push(r.object ?? o);
    }
    return out;
  }

  // ---- scale subresource ----

  getScale(rt: ResourceType, namespace: string | undefined, name: string): K8sObject {
    const o = this.get(rt, namespace, name);
    return toScale(rt, o);
  }

  updateScale(rt: ResourceType, namespace: string | undefined, name: string, scale: unknown, opts: RequestOptions): K8sObject {
    const old = this.load(rt, namespace, name);
    if (!old || !rt.scale) throw notFound(rt, name);
    const s = obj(scale);
    const sm = obj(s.metadata);
    if (sm.resourceVersion !== undefined && sm.resourceVersion !== old.metadata.resourceVersion) throw staleConflict(rt, name);
    const replicas = obj(s.spec).replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [fieldErr.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
    }
    const next = clone(old);
    setByJsonPath(next, rt.scale.specReplicasPath, replicas);
    const stored = this.updateObject(rt, old, next, opts, 'scale', undefined);
    return toScale(rt, stored);
  }

  patchScale(rt: ResourceType, namespace: string | undefined, name: string, type: PatchType, body: string, opts: RequestOptions): K8sObject {
    const current = this.getScale(rt, namespace, name);
    const doc = JSON.parse(body) as unknown;
    const patched = type === 'json' ? jsonPatch(current, doc) : mergePatch(current, doc);
    return this.updateScale(rt, namespace, name, patched, opts);
  }

  // ---- helpers used by lifecycle.ts and controllers ----

  /**
   * Writes an object without admission or validation: server-internal changes (deletion marks, GC,
   * binding). `o` is in storage form, as the store hands it out.
   */
  writeInternal(rt: ResourceType, o: K8sObject): K8sObject {
    o.apiVersion = rt.storageVersion;
    o.kind = rt.kind;
    return this.store.write(rt.storageKey, o);
  }

  removeInternal(rt: ResourceType, o: K8sObject): K8sObject | undefined {
    this.untrack(rt, o);
    return this.store.remove(rt.storageKey, o.metadata.namespace, o.metadata.name);
  }

  nav(rt: ResourceType): Nav {
    return rt.crd ? new CrdNav(rt.crd.schema) : new BuiltinNav(rt.kind);
  }

  fieldContext(rt: ResourceType, scope: Scope): FieldContext {
    return { nav: this.nav(rt), hasStatus: rt.status, scope };
  }

  manager(opts: RequestOptions): string {
    if (opts.fieldManager) return opts.fieldManager;
    const ua = opts.userAgent ?? '';
    return ua.split('/')[0] || 'unknown';
  }

  /** The object is this request's own copy and is handed to the store. */
  private toStorage(rt: ResourceType, o: K8sObject): K8sObject {
    const stored = conversionFor(rt)?.toStorage(o) ?? o;
    stored.apiVersion = rt.storageVersion;
    stored.kind = rt.kind;
    return stored;
  }

  private decodeBody(rt: ResourceType, body: unknown, namespace: string | undefined): K8sObject {
    if (!isObj(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    const o = clone(body) as K8sObject;
    // Missing apiVersion/kind default from the URL, as the apiserver's decoder does.
    o.apiVersion ??= apiVersionOf(rt);
    o.kind ??= rt.kind;
    this.checkTypeMeta(rt, o);
    if (!isObj(o.metadata)) o.metadata = { name: '' };
    if (rt.namespaced && o.metadata.namespace && namespace && o.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    return o;
  }

  private checkTypeMeta(rt: ResourceType, o: K8sObject): void {
    if (o.kind !== rt.kind) {
      throw badRequest(`the server could not find the requested resource: kind ${o.kind} is not ${rt.kind}`);
    }
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    if (group !== rt.group) {
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
    o.apiVersion = apiVersionOf(rt);
  }

  /** Fields the type does not declare, removed; their paths in the decoder's notation ("spec.replicaz"). */
  private dropUnknownFields(rt: ResourceType, o: K8sObject): string[] {
    const x = o as unknown as Record<string, unknown>;
    if (rt.crd) return rt.crd.schema ? pruneUnknownFields(x, rt.crd.schema) : [];
    return pruneBuiltinUnknownFields(apiVersionOf(rt), rt.kind, x);
  }

  /** The decoder on a create/update body: unknown fields dropped, with a warning, or refused (Strict). */
  private decodeFields(rt: ResourceType, o: K8sObject, opts: RequestOptions): void {
    const unknown = this.dropUnknownFields(rt, o).map((p) => `unknown field "${p}"`);
    if (!unknown.length) return;
    // Without the query parameter the apiserver warns (kubectl sends Strict explicitly).
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Strict') throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${unknown.join(', ')}`);
    if (mode === 'Warn') opts.warnings?.push(...unknown);
  }

  /** The same for the result of a JSON, merge or strategic merge patch, which reports the whole patched value. */
  private patchedFields(rt: ResourceType, o: K8sObject, opts: RequestOptions, shown: unknown): void {
    const unknown = this.dropUnknownFields(rt, o).map((p) => `unknown field "${p}"`);
    if (!unknown.length) return;
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Strict') throw invalid('', '', '', [fieldErr.invalid('patch', shown, `strict decoding error: ${unknown.join(', ')}`)]);
    if (mode === 'Warn') opts.warnings?.push(...unknown);
  }

  /** Custom resources: nulls in non-nullable fields dropped, schema defaults applied (unknown fields went at decoding). */
  private normalizeCustom(rt: ResourceType, o: K8sObject): void {
    const schema = rt.crd?.schema;
    if (!schema) return;
    dropNulls(o, schema);
    applySchemaDefaults(o, schema);
  }

  private validate(rt: ResourceType, o: K8sObject, old: K8sObject | undefined): void {
    const errs: FieldError[] = [...validateMetadata(o)];
    if (!old) errs.push(...(conversionFor(rt)?.validateCreate?.(o) ?? []));
    if (rt.crd?.schema) {
      errs.push(...validateCustomResource(rt.crd.schema, o, old));
    } else {
      errs.push(...validateBuiltin(o, old));
    }
    if (errs.length) throw invalid(rt.kind, rt.group, o.metadata.name, errs);
  }

  private defaulting(create: boolean): DefaultingContext {
    return {
      create,
      allocateClusterIP: () => this.allocateClusterIP(),
      allocateNodePort: () => this.allocateNodePort(),
      defaultStorageClass: () =>
        this.store.scan('storage.k8s.io/storageclasses').find((sc) => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')?.metadata.name,
    };
  }

  private allocateClusterIP(): string {
    for (;;) {
      const ip = `10.96.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
      if (!this.usedClusterIPs.has(ip)) return ip;
    }
  }

  private allocateNodePort(): number {
    for (;;) {
      const p = 30000 + Math.floor(Math.random() * 2768);
      if (!this.usedNodePorts.has(p)) return p;
    }
  }

  private track(rt: ResourceType, o: K8sObject): void {
    if (rt.kind !== 'Service') return;
    const spec = obj(o.spec);
    for (const ip of Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []) this.usedClusterIPs.add(String(ip));
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) if (isObj(p) && typeof p.nodePort === 'number') this.usedNodePorts.add(p.nodePort);
  }

  private untrack(rt: ResourceType, o: K8sObject): void {
    if (rt.kind !== 'Service') return;
    const spec = obj(o.spec);
    for (const ip of Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []) this.usedClusterIPs.delete(String(ip));
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) if (isObj(p) && typeof p.nodePort === 'number') this.usedNodePorts.delete(p.nodePort);
  }
}

/** resourceVersion and managedFields timestamps alone do not make a write. */
function sameIgnoringVolatile(a: K8sObject, b: K8sObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'metadata') continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  const am = a.metadata as Record<string, unknown>;
  const bm = b.metadata as Record<string, unknown>;
  for (const k of new Set([...Object.keys(am), ...Object.keys(bm)])) {
    if (k === 'resourceVersion') continue;
    if (k === 'managedFields') {
      const strip = (v: unknown) => (Array.isArray(v) ? v.map((m) => ({ ...(m as Record<string, unknown>), time: undefined })) : v);
      if (!deepEqual(strip(am[k]), strip(bm[k]))) return false;
      continue;
    }
    if (!deepEqual(am[k], bm[k])) return false;
  }
  return true;
}

/** Generation moves on changes outside metadata (and outside status when status is a subresource). */
function specChanged(rt: ResourceType, old: K8sObject, next: K8sObject): boolean {
  const strip = (o: K8sObject) => {
    const c: Record<string, unknown> = { ...o };
    delete c.metadata;
    delete c.apiVersion;
    delete c.kind;
    if (rt.status) delete c.status;
    return c;
  };
  return !deepEqual(strip(old), strip(next));
}

function toScale(rt: ResourceType, o: K8sObject): K8sObject {
  const sc = rt.scale!;
  const status: Record<string, unknown> = { replicas: getByJsonPath(o, sc.statusReplicasPath) ?? 0 };
  if (sc.labelSelectorPath) {
    const sel = getByJsonPath(o, sc.labelSelectorPath);
    if (sel !== undefined) status.selector = sel;
  }
  if (!rt.crd) {
    const ml = obj(obj(obj(o.spec).selector).matchLabels);
    const s = Object.entries(ml).map(([k, v]) => `${k}=${v}`).join(',');
    if (s) status.selector = s;
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: getByJsonPath(o, sc.specReplicasPath) ?? 0 },
    status,
  };
}

function getByJsonPath(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const p of path.replace(/^\./, '').split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function setByJsonPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur: Record<string, unknown> = o;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Go's %+v of a decoded JSON map, as the strategic-merge strict error prints the patch. */
function goMap(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  if (isObj(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goMap(v[k])}`).join(' ')}]`;
  return v === null ? '<nil>' : String(v);
}
