import type { K8sObject } from '../../src/core/object.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions, renderRelease, type RenderedRelease } from '../../src/render/pipeline.js';
import type { ValueOptions } from '../../src/values/options.js';

export interface RenderInput {
  release?: string;
  namespace?: string;
  chart?: string;
  files?: Record<string, string>;
  options?: Partial<ValueOptions>;
}

/** Renders a chart with in-memory values files, as `inferctl template` would. */
export function render(input: RenderInput = {}): RenderedRelease & { find(kind: string, name: string): K8sObject; all(kind: string): K8sObject[]; has(kind: string, name: string): boolean } {
  const files = input.files ?? {};
  const options = { ...emptyValueOptions(), ...input.options, valueFiles: [...Object.keys(files), ...(input.options?.valueFiles ?? [])] };
  const rendered = renderRelease({
    chart: resolveChart(input.chart ?? 'inference-infrastructure'),
    release: input.release ?? 'infra',
    namespace: input.namespace ?? 'default',
    valueOptions: options,
    readFile: (path) => {
      if (path in files) return files[path];
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    },
  });
  const objects = rendered.objects.map((r) => r.object);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const has = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in render; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    return found;
  };
  return Object.assign(rendered, { find, all, has });
}

// Small accessors for nested, loosely typed Kubernetes objects in assertions.
export function get(obj: unknown, path: string): any {
  return path.split('.').reduce<any>((cur, key) => (cur == null ? undefined : cur[/^\d+$/.test(key) ? Number(key) : key]), obj);
}

export function podSpec(workload: K8sObject): any {
  return get(workload, 'spec.template.spec');
}

export function container(workload: K8sObject, name?: string): any {
  const containers = podSpec(workload).containers as any[];
  return name ? containers.find((c) => c.name === name) : containers[0];
}

export function envOf(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}
