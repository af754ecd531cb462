/**
 * Discovery documents: /version, legacy /api and /apis group and resource lists, aggregated
 * discovery (apidiscovery.k8s.io/v2, which kubectl 1.35 asks for first) and the OpenAPI v3
 * documents kubectl reads to decide that the server supports fieldValidation (without them it
 * falls back to client-side validation and needs the protobuf OpenAPI v2 document).
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './resources.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

export function versionDoc(v: VersionInfo): Record<string, unknown> {
  return {
    major: v.major,
    minor: v.minor,
    emulationMajor: v.major,
    emulationMinor: v.minor,
    minCompatibilityMajor: v.major,
    minCompatibilityMinor: String(Math.max(0, Number(v.minor) - 1)),
    gitVersion: v.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-12-17T00:00:00Z',
    goVersion: 'go1.25.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

interface GroupInfo {
  name: string;
  versions: string[];
  preferred: string;
}

/** Groups in the order the apiserver lists them: built-in groups first, then CRD groups. */
export function groups(reg: ResourceRegistry): GroupInfo[] {
  const out: GroupInfo[] = [];
  for (const rt of reg.all()) {
    if (rt.group === '') continue;
    let g = out.find((x) => x.name === rt.group);
    if (!g) {
      g = { name: rt.group, versions: [], preferred: '' };
      out.push(g);
    }
    if (!g.versions.includes(rt.version)) g.versions.push(rt.version);
    if (rt.preferred && !g.preferred) g.preferred = rt.version;
  }
  for (const g of out) {
    if (!g.preferred) g.preferred = g.versions[0];
    // Preferred version first, as in the real APIGroup.versions.
    g.versions.sort((a, b) => (a === g.preferred ? -1 : b === g.preferred ? 1 : 0));
  }
  return out;
}

function gv(group: string, version: string): { groupVersion: string; version: string } {
  return { groupVersion: group ? `${group}/${version}` : version, version };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(reg: ResourceRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups(reg).map((g) => ({ name: g.name, versions: g.versions.map((v) => gv(g.name, v)), preferredVersion: gv(g.name, g.preferred) })),
  };
}

export function apiGroup(reg: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const g = groups(reg).find((x) => x.name === name);
  if (!g) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', name: g.name, versions: g.versions.map((v) => gv(g.name, v)), preferredVersion: gv(g.name, g.preferred) };
}

const SUB_VERBS = ['get', 'patch', 'update'];

function storageVersionHash(rt: ResourceType): string {
  return createHash('sha256').update(`${rt.storageVersion}/${rt.kind}`).digest('base64').slice(0, 11);
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = reg.all().filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of types) {
    const main: Record<string, unknown> = { name: rt.plural, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs: rt.verbs };
    if (rt.shortNames.length) main.shortNames = rt.shortNames;
    if (rt.categories.length) main.categories = rt.categories;
    main.storageVersionHash = storageVersionHash(rt);
    resources.push(main);
    if (rt.scale) resources.push({ name: `${rt.plural}/scale`, singularName: '', namespaced: rt.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB_VERBS });
    if (rt.status) resources.push({ name: `${rt.plural}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: SUB_VERBS });
    for (const sub of rt.extraSubresources) {
      resources.push({ name: `${rt.plural}/${sub}`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: sub === 'finalize' ? ['update'] : ['get', 'create'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function aggregatedResource(rt: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: '', version: '', kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length) r.shortNames = rt.shortNames;
  if (rt.categories.length) r.categories = rt.categories;
  const subs: Record<string, unknown>[] = [];
  if (rt.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUB_VERBS });
  if (rt.status) subs.push({ subresource: 'status', responseKind: { group: '', version: '', kind: rt.kind }, verbs: SUB_VERBS });
  for (const sub of rt.extraSubresources) subs.push({ subresource: sub, responseKind: { group: '', version: '', kind: rt.kind }, verbs: sub === 'finalize' ? ['update'] : ['get', 'create'] });
  if (subs.length) r.subresources = subs;
  return r;
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api (core) or /apis (everything else). */
export function aggregatedDiscovery(reg: ResourceRegistry, core: boolean): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  if (core) {
    const resources = reg.all().filter((r) => r.group === '').map(aggregatedResource);
    items.push({ metadata: { creationTimestamp: null }, versions: [{ version: 'v1', resources, freshness: 'Current' }] });
  } else {
    for (const g of groups(reg)) {
      items.push({
        metadata: { name: g.name, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: reg
            .all()
            .filter((r) => r.group === g.name && r.version === v)
            .map(aggregatedResource),
          freshness: 'Current',
        })),
      });
    }
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

// ---- OpenAPI v3 ----

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Index(reg: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const rt of reg.all()) {
    const p = gvPath(rt.group, rt.version);
    if (seen.has(p)) continue;
    seen.add(p);
    const doc = openApiV3Doc(reg, p);
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

function definitionName(rt: ResourceType): string {
  const g = rt.group ? rt.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${g}.${rt.version}.${rt.kind}`;
}

/** The per group-version document: paths carry x-kubernetes-group-version-kind and fieldValidation. */
export function openApiV3Doc(reg: ResourceRegistry, path: string): Record<string, unknown> | undefined {
  const types = reg.all().filter((r) => gvPath(r.group, r.version) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const rt of types) {
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const ref = { $ref: `#/components/schemas/${definitionName(rt)}` };
    const op = (action: string, extra: Record<string, unknown>[] = []) => ({
      operationId: `${action}${rt.kind}`,
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
        ...extra,
      ],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    const fieldValidation = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };
    const base = `/${path}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
    paths[base] = { get: op('list'), post: op('post', [fieldValidation]), delete: op('deletecollection') };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: op('put', [fieldValidation]),
      patch: op('patch', [fieldValidation, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }]),
      delete: op('delete'),
    };
    if (rt.status) {
      paths[`${base}/{name}/status`] = { get: op('get'), put: op('put', [fieldValidation]), patch: op('patch', [fieldValidation]) };
    }
    const schema: Record<string, unknown> = rt.crd?.schema ? { ...rt.crd.schema } : { type: 'object', description: `${rt.kind} (schema not modelled by the simulator)` };
    schema['x-kubernetes-group-version-kind'] = [gvk];
    schemas[definitionName(rt)] = schema;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.35.0' },
    paths,
    components: { schemas },
  };
}

