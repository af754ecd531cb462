import type { ChartDefinition } from '../render/types.js';
import { toJsonSchema } from '../schema/json-schema.js';
import { documentedValues } from '../schema/values-doc.js';

export function showValues(chart: ChartDefinition): string {
  const { name, version, description } = chart.info;
  return documentedValues(
    chart.values,
    `yaml-language-server: $schema=values.schema.json\nDefault values of ${name} ${version}: ${description}\nValues containing {{ .Release.Name }} follow the release name. The schema for editor completion: inferctl show schema ${name}`,
  );
}

export function showSchema(chart: ChartDefinition): string {
  const schema = { ...toJsonSchema(chart.values), title: `${chart.info.name} values` };
  return JSON.stringify(schema, null, 2) + '\n';
}

export function showChart(chart: ChartDefinition): string {
  const { name, version, appVersion, description } = chart.info;
  return `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "${appVersion}"\ndescription: ${JSON.stringify(description)}\n`;
}
