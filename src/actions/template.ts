import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNamespaceName, assertReleaseName } from '../render/release.js';
import { renderWithValues, type RenderRequest, type RenderedRelease } from '../render/render-core.js';
import { canonicalObject, toYaml, toYamlStreamParts } from '../render/yaml-output.js';

const OUTPUT_FILE = /^\d{3}-[a-z0-9.-]+\.yaml$/;

export interface TemplateResult {
  /** The multi-document stream, when no output directory was given, as pieces to write in order. */
  yaml?: (string | Uint8Array)[];
  files?: string[];
  warnings: string[];
}

/** `inferctl template`: render to YAML with no cluster contact, byte-identical for identical input. */
export async function template(req: RenderRequest, outputDir?: string): Promise<TemplateResult> {
  const rendered = await render(req);
  if (!outputDir) {
    return { yaml: toYamlStreamParts(rendered.objects.map(({ object, source }) => ({ object, source }))), warnings: rendered.warnings };
  }
  mkdirSync(outputDir, { recursive: true });
  // Files of an earlier render that left the output would otherwise linger in a GitOps repository.
  for (const entry of readdirSync(outputDir)) if (OUTPUT_FILE.test(entry)) rmSync(join(outputDir, entry));
  const files = rendered.objects.map(({ object, source }, i) => {
    const ns = object.metadata.namespace ? `${object.metadata.namespace}-` : '';
    const file = `${String(i + 1).padStart(3, '0')}-${ns}${object.kind.toLowerCase()}-${object.metadata.name}.yaml`.toLowerCase();
    writeFileSync(join(outputDir, file), `# Source: ${source}\n${toYaml(canonicalObject(object))}`);
    return file;
  });
  return { files, warnings: rendered.warnings };
}

/** Without -f or --set there is nothing to parse, so the values-file code is not even loaded. */
async function render(request: RenderRequest): Promise<RenderedRelease> {
  const req = { ...request, printOnly: true };
  if (Object.values(req.valueOptions).some((list) => list.length)) {
    return (await import('../render/pipeline.js')).renderRelease(req);
  }
  assertReleaseName(req.release);
  assertNamespaceName(req.namespace);
  return renderWithValues(req, {});
}
