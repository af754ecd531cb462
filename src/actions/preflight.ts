import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';
import type { KubeClient } from '../kube/types.js';
import type { RequiredApi } from '../render/types.js';

/**
 * Checks, before anything is applied, that the cluster serves every API the render declared as
 * required (RenderResult.requiredApis). These come from outside the platform (the Prometheus
 * Operator's CRDs), so no group of any release will ever make them appear: the engine would retry
 * "no matches for kind" until its timeout. Reading the CRD is what the engine's crd-established
 * gate does too, so no permission beyond install's own is needed.
 */
export async function checkRequiredApis(kube: KubeClient, apis: readonly RequiredApi[] | undefined): Promise<void> {
  if (!apis?.length) return;
  const missing: string[] = [];
  const fixes = new Set<string>();
  const whys = new Set<string>();
  for (const api of apis) {
    const crd = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: api.crd });
    const problem = crd ? notServed(crd, api) : 'is not installed';
    if (!problem) continue;
    missing.push(`CRD ${api.crd} (${api.kind}) ${problem}`);
    fixes.add(api.fix);
    whys.add(api.why);
  }
  if (!missing.length) return;
  throw new UserError(
    `${kube.describeTarget()} does not serve what this release renders: ${missing.join('; ')}. ` +
      `${[...whys].join(' and ')} renders these kinds. Nothing was applied. ` +
      `To fix it, ${[...fixes].join('; or ')}, then run the command again; or turn off what needs them.`,
  );
}

/** Why an installed CRD cannot take the objects yet: the version is not served, or it is not Established. */
function notServed(crd: K8sObject, api: RequiredApi): string | undefined {
  const version = api.apiVersion.split('/')[1];
  const versions = ((crd.spec as { versions?: { name: string; served?: boolean }[] } | undefined)?.versions ?? []);
  if (!versions.some((v) => v.name === version && v.served)) {
    return `is installed but does not serve ${api.apiVersion} (served: ${versions.filter((v) => v.served).map((v) => v.name).join(', ') || 'none'})`;
  }
  const conditions = ((crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  const established = conditions.find((c) => c.type === 'Established');
  if (established?.status !== 'True') return 'is installed but not Established yet';
  return undefined;
}
