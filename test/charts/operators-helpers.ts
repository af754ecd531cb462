import { join } from 'node:path';
import { resolveChart } from '../../src/charts/index.js';
import type { K8sObject } from '../../src/core/object.js';
import { emptyValueOptions, renderRelease, type RenderedRelease } from '../../src/render/pipeline.js';
import { shippedInstallDir } from '../../src/validate/paths.js';

/** The upstream release files, laid out as <project>/<file> (what --manifests-dir expects). */
export const UPSTREAM_INSTALL = shippedInstallDir();

export const ALL_OFF = [
  'cert-manager.enabled=false',
  'cloudnative-pg.enabled=false',
  'gateway-api.enabled=false',
  'envoy-gateway.enabled=false',
  'knative-operator.enabled=false',
  'kserve.enabled=false',
  'gateway-api-inference-extension.enabled=false',
  'envoyAIGateway.enabled=false',
];

/** Renders inference-operators with --set values against a manifests directory (null: no --manifests-dir). */
export function renderOperators(set: string[] = [], manifestsDir: string | null = UPSTREAM_INSTALL): RenderedRelease {
  return renderRelease({
    chart: resolveChart('inference-operators'),
    release: 'operators',
    namespace: 'default',
    valueOptions: { ...emptyValueOptions(), values: set },
    manifestsDir: manifestsDir ?? undefined,
  });
}

/** The chart's objects before the pipeline adds sync-wave annotations: what the chart itself produced. */
export function chartObjects(r: RenderedRelease): K8sObject[] {
  return r.result.objects.map((o) => o.object);
}

export function identity(o: K8sObject): string {
  return `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function findObject(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} in render`);
  return found;
}

/** Removes what the chart adds to every upstream object (two labels), to compare with upstream. */
export function withoutChartLabels(o: K8sObject, upstreamLabels: Record<string, string> | undefined): K8sObject {
  const { metadata } = o;
  const labels = { ...(metadata.labels ?? {}) };
  delete labels['inferctl.io/chart'];
  if (!upstreamLabels?.['app.kubernetes.io/managed-by']) delete labels['app.kubernetes.io/managed-by'];
  const rest = { ...metadata };
  delete rest.labels;
  return { ...o, metadata: Object.keys(labels).length || upstreamLabels ? { ...rest, labels } : rest };
}
