import { renderComponents, type Component } from '../../render/component.js';
import type { ChartDefinition, ProvidedRef, RenderContext, RenderResult } from '../../render/types.js';
import { operatorProvided } from '../contracts/operators.js';
import { stackContract } from '../contracts/stack.js';
import { resolveConfig, type StackConfig } from './config.js';
import { models } from './components/models.js';
import { monitoring } from './components/monitoring.js';
import { requiredMonitoringApis } from '../../monitoring/objects.js';
import { pools } from './components/pool.js';
import { registrar, registrarUninstallHooks } from './components/registrar.js';
import { runtimes } from './components/runtimes.js';
import { RUNTIMES } from './runtimes/index.js';
import { stackValues, type StackValues } from './values.js';

/** Registration order is declaration order of the groups, which breaks ordering ties. */
const COMPONENTS: Component<StackConfig>[] = [runtimes, models, pools, registrar, monitoring];

function provided(config: StackConfig): ProvidedRef[] {
  const infra = config.infrastructure;
  const operators: ProvidedRef[] = [operatorProvided(config.kserveController)];
  const pooled = config.models.find((m) => m.pool);
  if (pooled) {
    operators.push(operatorProvided(config.aiGatewayController));
    const gw = pooled.pool!.gateway;
    const from = infra ? `inference-infrastructure release ${infra.release} (${infra.source === 'record' ? 'from its release record' : 'by naming convention'})` : `inference-infrastructure release ${config.values.infrastructureReleaseName} (by naming convention)`;
    operators.push({ kind: 'Gateway', namespace: gw.namespace, name: gw.name, by: `${from}: its internal model gateway` });
  }
  if (!infra) return operators;
  const by = `inference-infrastructure release ${infra.release} (${infra.source === 'record' ? 'from its release record' : 'by naming convention'})`;
  const refs: ProvidedRef[] = [{ kind: 'Secret', namespace: infra.namespace, name: infra.masterKeySecret, keys: [infra.masterKeySecretKey], by }];
  // The registrar lives in the infrastructure namespace, which that release's user created.
  if (infra.namespace !== config.namespace) refs.push({ kind: 'Namespace', name: infra.namespace, by });
  return [...refs, ...operators];
}

function exportsOf(config: StackConfig): Record<string, string> {
  const { infrastructure } = config;
  return stackContract.write({
    namespace: config.namespace,
    models: config.models.map((m) => m.servedModelName).join(','),
    infrastructureRelease: infrastructure?.release,
    infrastructureNamespace: infrastructure?.namespace,
    operators: config.operators.source,
  });
}

export const inferenceStack: ChartDefinition<StackValues> = {
  info: {
    name: 'inference-stack',
    version: '0.1.0',
    appVersion: '1.0.0',
    description: `Models on KServe (${RUNTIMES.map((r) => r.title).join(', ')}; Knative scale-to-zero or Standard), routed by the infrastructure release's LiteLLM; Standard-mode vLLM and SGLang models through GIE InferencePools (cache-aware routing via Envoy AI Gateway).`,
  },
  values: stackValues,
  render(ctx: RenderContext<StackValues>): RenderResult {
    const config = resolveConfig(ctx.release, ctx.namespace, ctx.values, ctx.chart, ctx.sourceOf, ctx.releases, ctx.isUserSet);
    const { objects, groups } = renderComponents(COMPONENTS, config);
    const requiredApis = requiredMonitoringApis(objects.map((o) => o.object), 'monitoring.enabled=true');
    const result: RenderResult = { objects, groups, provided: provided(config), exports: exportsOf(config), requiredApis };
    const hooks = registrarUninstallHooks(config);
    if (hooks.length) result.uninstallHooks = hooks;
    return result;
  },
};
