import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRender, type PodSecurityExemption } from '../../src/validate/index.js';
import { chartObjects, renderOperators, UPSTREAM_INSTALL } from './operators-helpers.js';

// Upstream's Knative Operator 1.23 Deployments set no seccompProfile; the chart keeps upstream content.
const UPSTREAM_POD_SECURITY_GAPS: PodSecurityExemption[] = ['knative-operator', 'operator-webhook'].map((name) => ({
  object: `Deployment knative-operator/${name}`,
  check: 'seccompProfile_restricted',
  reason: 'upstream Knative Operator manifest, not patched by inferctl',
}));

test('every rendered object is valid against Kubernetes and the upstream CRD schemas; references resolve', () => {
  const r = renderOperators();
  const t = performance.now();
  const report = validateRender(chartObjects(r), { provided: r.result.provided, crdDirs: [UPSTREAM_INSTALL], exemptions: UPSTREAM_POD_SECURITY_GAPS });
  console.log(`validated ${report.objectCount} objects in ${(performance.now() - t).toFixed(0)} ms`);
  assert.ok(report.ok, report.summary());
  assert.equal(report.exempted.length, 2);
});

test('with cert-manager and the Gateway API external, the rest still validates (their CRDs come from the cluster)', () => {
  const r = renderOperators(['cert-manager.external=true', 'gateway-api.external=true']);
  const report = validateRender(chartObjects(r), { provided: r.result.provided, crdDirs: [UPSTREAM_INSTALL], exemptions: UPSTREAM_POD_SECURITY_GAPS });
  assert.ok(report.ok, report.summary());
});
