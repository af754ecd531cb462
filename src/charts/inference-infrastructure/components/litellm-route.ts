import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';
import { gatewayGroup } from './envoy-gateway.js';
import { LITELLM_SOURCE, litellmLabels } from './litellm-common.js';
import { litellmGroup } from './litellm-proxy.js';

export const routesGroup = defineGroup<InfraConfig>({ name: 'routes', description: 'Gateway routes to LiteLLM', after: [litellmGroup, gatewayGroup] });

/** The Gateway's route to LiteLLM, with idle timeouts below LiteLLM's keep-alive. */
function renderRoute(config: InfraConfig): RenderedObject[] {
  const { values, names, namespace } = config;
  const lp = values['litellm-proxy'];
  if (!lp.enabled) return [];
  const labels = (component: string) => litellmLabels(config, component);
  const out: RenderedObject[] = [];
  const net = values['networking-layer'];
  if (lp.httpRoute.enabled && net.enabled && net.envoyGateway.enabled) {
    const route: Record<string, unknown> = {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: names.gateway, namespace }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: lp.httpRoute.pathPrefix } }],
          backendRefs: [{ group: '', kind: 'Service', name: names.litellm, port: lp.service.port }],
          timeouts: { request: lp.httpRoute.requestTimeout },
        },
      ],
    };
    if (lp.httpRoute.hostnames.length) route.hostnames = lp.httpRoute.hostnames;
    out.push({
      object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: names.litellm, namespace, labels: labels('proxy') }, spec: route },
      group: routesGroup,
      source: LITELLM_SOURCE,
    });
    out.push({
      object: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: { name: names.litellm, namespace, labels: labels('proxy') },
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: names.litellm }],
          // Below LiteLLM's keep-alive (KEEPALIVE_TIMEOUT=75) so Envoy closes idle connections first.
          timeout: { http: { connectionIdleTimeout: '60s' } },
        },
      },
      group: routesGroup,
      source: LITELLM_SOURCE,
    });
  }
  return out;
}

export const litellmRoute: Component<InfraConfig> = { groups: [routesGroup], render: renderRoute };
