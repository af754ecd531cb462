import type { RenderRequest } from '../render/pipeline.js';
import { renderRelease } from '../render/pipeline.js';
import type { ValidationReport } from '../validate/index.js';

export interface LintResult {
  report: ValidationReport;
  warnings: string[];
}

/**
 * Renders as `template` does, then validates every object: built-in kinds against the Kubernetes
 * OpenAPI schema, custom resources against the upstream CRDs (unknown fields rejected, CEL rules
 * evaluated), names and labels, references, and the "restricted" Pod Security Standard.
 */
export async function lint(req: RenderRequest, crdDirs?: string[]): Promise<LintResult> {
  const rendered = renderRelease(req);
  const { validateRender, defaultCrdDirs } = await import('../validate/index.js');
  // CRDs the render installs itself (the operators layer) come from its upstream manifests.
  const dirs = [...(crdDirs?.length ? crdDirs : defaultCrdDirs()), ...(req.manifestsDir ? [req.manifestsDir] : [])];
  const report = validateRender(
    rendered.objects.map((o) => o.object),
    { provided: rendered.result.provided, crdDirs: dirs, exemptions: rendered.result.podSecurityExemptions },
  );
  return { report, warnings: rendered.warnings };
}
