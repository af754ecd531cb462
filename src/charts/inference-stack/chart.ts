import type { ChartDefinition, GroupSpec, ProvidedRef, RenderContext, RenderResult } from '../../render/types.js';
import { resolveConfig, type StackConfig } from './config.js';
import { renderModels } from './components/models.js';
import { renderPools } from './components/pool.js';
import { renderRegistrar } from './components/registrar.js';
import { renderRuntimes } from './components/runtimes.js';
import { stackValues, type StackValues } from './values.js';

/** Where the operators chart runs KServe (crds.md 4.5). */
export const KSERVE_CONTROLLER = { namespace: 'kserve', name: 'kserve-controller-manager' };

function groups(config: StackConfig): GroupSpec[] {
  const knative = config.models.some((m) => m.knative);
  return [
    {
      name: 'runtimes',
      dependsOn: [],
      description: 'ServingRuntimes <release>-vllm|llamacpp|ollama',
      gates: [
        { kind: 'crd-established', name: 'servingruntimes.serving.kserve.io', why: 'ServingRuntimes need the KServe CRDs' },
        { kind: 'deployment-available', ...KSERVE_CONTROLLER, why: "KServe's validating webhook (failurePolicy Fail) must answer before runtimes and InferenceServices are admitted" },
      ],
    },
    {
      name: 'models',
      dependsOn: ['runtimes'],
      description: 'InferenceServices, after their runtimes exist (the webhook rejects unknown runtimes); Ready when the model loaded and the route answers',
      gates: knative
        ? [
            { kind: 'crd-established', name: 'services.serving.knative.dev', why: 'Knative-mode models become Knative Services' },
            { kind: 'deployment-started-after-crd', ...KSERVE_CONTROLLER, crd: 'services.serving.knative.dev', why: 'KServe looks for Knative Services once, when it starts' },
          ]
        : [],
    },
    {
      name: 'pools',
      dependsOn: ['models'],
      description: 'InferencePools and their endpoint pickers',
      gates: [{ kind: 'crd-established', name: 'inferencepools.inference.networking.k8s.io', why: 'InferencePools need the Gateway API Inference Extension CRDs' }],
    },
    { name: 'registrar', dependsOn: ['models'], description: "Sync LiteLLM's routes to the models once they serve (Job in the infrastructure namespace)" },
  ];
}

function provided(config: StackConfig): ProvidedRef[] {
  const infra = config.infrastructure;
  if (!infra) return [];
  const by = `inference-infrastructure release ${infra.release} (${infra.source === 'record' ? 'from its release record' : 'by naming convention'})`;
  const refs: ProvidedRef[] = [{ kind: 'Secret', namespace: infra.namespace, name: infra.masterKeySecret, keys: [infra.masterKeySecretKey], by }];
  // The registrar lives in the infrastructure namespace, which that release's user created.
  if (infra.namespace !== config.namespace) refs.push({ kind: 'Namespace', name: infra.namespace, by });
  return refs;
}

function exportsOf(config: StackConfig): Record<string, string> {
  const out: Record<string, string> = { namespace: config.namespace };
  out.models = config.models.map((m) => m.servedModelName).join(',');
  if (config.infrastructure) {
    out.infrastructureRelease = config.infrastructure.release;
    out.infrastructureNamespace = config.infrastructure.namespace;
  }
  return out;
}

export const inferenceStack: ChartDefinition<StackValues> = {
  info: {
    name: 'inference-stack',
    version: '0.1.0',
    appVersion: '1.0.0',
    description: 'Models on KServe (vLLM, llama.cpp, Ollama; Knative scale-to-zero or Standard), optional GIE InferencePools, routed by the infrastructure release\'s LiteLLM.',
  },
  values: stackValues,
  render(ctx: RenderContext<StackValues>): RenderResult {
    const config = resolveConfig(ctx.release, ctx.namespace, ctx.values, ctx.chart, ctx.sourceOf, ctx.releases);
    const registrar = renderRegistrar(config);
    const objects = [...renderRuntimes(config), ...renderModels(config), ...renderPools(config), ...registrar.objects];
    const used = new Set(objects.map((o) => o.group));
    const all = groups(config);
    const byName = new Map(all.map((g) => [g.name, g]));
    // Keep groups that have objects; a dependency on a dropped group points at what that one waited for.
    const resolveDeps = (deps: string[], seen = new Set<string>()): string[] =>
      deps.flatMap((d) => {
        if (seen.has(d)) return [];
        seen.add(d);
        return used.has(d) ? [d] : resolveDeps(byName.get(d)?.dependsOn ?? [], seen);
      });
    const kept = all.filter((g) => used.has(g.name)).map((g) => ({ ...g, dependsOn: [...new Set(resolveDeps(g.dependsOn))] }));
    const result: RenderResult = { objects, groups: kept, provided: provided(config), exports: exportsOf(config) };
    if (registrar.uninstallHooks.length) result.uninstallHooks = registrar.uninstallHooks;
    return result;
  },
};
