import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRelease, type RenderRequest } from '../render/pipeline.js';
import { canonicalObject, toYaml, toYamlStream } from '../render/yaml-output.js';

const OUTPUT_FILE = /^\d{3}-[a-z0-9.-]+\.yaml$/;

export interface TemplateResult {
  /** The multi-document stream, when no output directory was given. */
  yaml?: string;
  files?: string[];
  warnings: string[];
}

/** `inferctl template`: render to YAML with no cluster contact, byte-identical for identical input. */
export function template(req: RenderRequest, outputDir?: string): TemplateResult {
  const rendered = renderRelease(req);
  if (!outputDir) {
    return { yaml: toYamlStream(rendered.objects.map(({ object, source }) => ({ object, source }))), warnings: rendered.warnings };
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
