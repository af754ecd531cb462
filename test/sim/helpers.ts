/** Shared helpers for simulator tests: raw HTTP calls and small fixtures. */
import { request as httpRequest } from 'node:http';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(sim: Simulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const r = await fetch(`${sim.url}${path}`, init);
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

export const get = (sim: Simulator, path: string, headers?: Record<string, string>) => call(sim, 'GET', path, undefined, headers);
export const post = (sim: Simulator, path: string, body: unknown) => call(sim, 'POST', path, body);
export const put = (sim: Simulator, path: string, body: unknown) => call(sim, 'PUT', path, body);
export const del = (sim: Simulator, path: string, body?: unknown) => call(sim, 'DELETE', path, body);
export const mergePatch = (sim: Simulator, path: string, body: unknown) => call(sim, 'PATCH', path, body, { 'content-type': 'application/merge-patch+json' });
export const jsonPatch = (sim: Simulator, path: string, body: unknown) => call(sim, 'PATCH', path, body, { 'content-type': 'application/json-patch+json' });
export const smPatch = (sim: Simulator, path: string, body: unknown) => call(sim, 'PATCH', path, body, { 'content-type': 'application/strategic-merge-patch+json' });
export const apply = (sim: Simulator, path: string, body: unknown, query = 'fieldManager=test') =>
  call(sim, 'PATCH', `${path}${path.includes('?') ? '&' : '?'}${query}`, body, { 'content-type': 'application/apply-patch+yaml' });

/** An API-only simulator (no workload controllers), for rule tests that must not race controllers. */
export function startCore(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ controllers: 'core', ...opts });
}

export function deployment(name: string, opts: { replicas?: number; image?: string; labels?: Record<string, string>; namespace?: string } = {}) {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace ?? 'default', labels },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = { a: '1' }, namespace = 'default') {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** A small namespaced CRD with a status subresource, defaults, an enum and a CEL rule. */
export function widgetCrd(extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    color: { type: 'string', enum: ['red', 'blue'] },
                    size: { type: 'integer', default: 1, minimum: 1 },
                    replicas: { type: 'integer' },
                    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                    ports: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
                    },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                  'x-kubernetes-validations': [{ rule: 'self.size < 10', message: 'size must be below 10' }],
                },
                status: {
                  type: 'object',
                  properties: {
                    replicas: { type: 'integer' },
                    conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                  },
                },
              },
            },
          },
        },
      ],
      ...extra,
    },
  };
}

export async function installWidgetCrd(sim: Simulator): Promise<void> {
  const r = await post(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
  if (r.status !== 201) throw new Error(`CRD create failed: ${r.text}`);
  await sim.waitFor(() => sim.registry.find('example.com', 'v1', 'widgets'), { what: 'widgets served' });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WatchStream {
  events: { type: string; object: any }[];
  close(): void;
  waitFor(n: number): Promise<void>;
}

/** Opens a watch over HTTP and collects its events as they arrive. */
export function watchStream(sim: Simulator, path: string): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const events: WatchStream['events'] = [];
    let buf = '';
    const req = httpRequest(new URL(path, sim.url), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      });
      res.on('error', () => undefined);
      resolve({
        events,
        close: () => req.destroy(),
        waitFor: async (n) => {
          const deadline = Date.now() + 10_000;
          while (events.length < n) {
            if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events: ${JSON.stringify(events.map((e) => e.type))}`);
            await sleep(5);
          }
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
