import { declareGroups } from '../../render/groups.js';
import type { ChartDefinition, RenderContext, RenderResult } from '../../render/types.js';
import { operatorsContract, type OperatorsExports } from '../contracts/operators.js';
import { FOUNDATION, type OperatorComponent } from './component.js';
import { resolveConfig } from './config.js';
import { certManager } from './components/cert-manager.js';
import { cnpg } from './components/cnpg.js';
import { envoyAIGateway } from './components/envoy-ai-gateway.js';
import { envoyGateway } from './components/envoy-gateway.js';
import { gatewayApi } from './components/gateway-api.js';
import { gatewayApiInferenceExtension } from './components/gie.js';
import { knativeOperator } from './components/knative-operator.js';
import { kserve } from './components/kserve.js';
import { lockEntry, locateManifests, loadLock, loadManifest, type LockEntry } from './manifests.js';
import { renderUpstream } from './upstream.js';
import { monitoringGroup, renderOperatorMonitoring } from './monitoring.js';
import { requiredMonitoringApis } from '../../monitoring/objects.js';
import { operatorsValues, type OperatorsValues } from './values.js';
import { versionSummary } from './versions.js';

/**
 * Components in precedence order: when two files carry the same object, the earlier component owns it
 * (and the later one omits it explicitly; see envoy-gateway.ts).
 */
export const COMPONENTS: OperatorComponent[] = [certManager, cnpg, gatewayApi, envoyGateway, knativeOperator, kserve, gatewayApiInferenceExtension, envoyAIGateway];

export const inferenceOperators: ChartDefinition<OperatorsValues> = {
  info: {
    name: 'inference-operators',
    version: '0.1.0',
    appVersion: '1.0.0',
    description: `Controllers and CRDs the other layers need, from the upstream release manifests (pinned by sha256 in manifests.lock.json): ${versionSummary()}.`,
  },
  values: operatorsValues,
  render(ctx: RenderContext<OperatorsValues>): RenderResult {
    const config = resolveConfig(ctx.release, ctx.chart, ctx.values, COMPONENTS, ctx.sourceOf);
    const active = COMPONENTS.filter((c) => config.state[c.key] === 'rendered');
    const lock = loadLock();
    const entries = [...new Set(active.flatMap((c) => c.manifests.map((m) => lockEntry(lock, m))))];
    const paths = locateManifests(entries, { manifestsDir: ctx.manifestsDir });
    const objects = renderUpstream(active, config, (entry: LockEntry) => loadManifest(entry, paths.get(entry)!, ctx.printOnly));
    objects.push(...renderOperatorMonitoring(config, active.map((c) => c.key)));
    const groups = declareGroups([...FOUNDATION, ...active.flatMap((c) => c.groups), monitoringGroup], config);
    const external = COMPONENTS.filter((c) => config.state[c.key] === 'external').map((c) => c.key);
    const published: OperatorsExports = Object.assign({}, ...active.map((c) => c.exports(config)));
    if (external.length) published.externalComponents = external.join(',');
    const exports = operatorsContract.write(published);
    const podSecurityExemptions = active.some((c) => c.key === 'knative-operator')
      ? ['knative-operator', 'operator-webhook'].map((name) => ({
          object: `Deployment knative-operator/${name}`,
          check: 'seccompProfile_restricted',
          reason: 'upstream Knative Operator 1.23 manifest sets no seccompProfile; inferctl keeps upstream content unpatched',
        }))
      : [];
    const requiredApis = requiredMonitoringApis(objects.map((o) => o.object), 'monitoring.enabled=true');
    return { objects, groups, provided: active.flatMap((c) => c.provided?.(config) ?? []), exports, podSecurityExemptions, requiredApis };
  },
};
