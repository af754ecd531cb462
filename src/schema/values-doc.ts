import { toYaml } from '../render/yaml-output.js';
import { defaultsOf, type SchemaNode } from './dsl.js';

/** Commented YAML of every key and default: `inferctl show values` and the chart's values.yaml. */
export function documentedValues(node: SchemaNode, header: string): string {
  const lines = header.split('\n').map((l) => (l ? `# ${l}` : '#'));
  lines.push('');
  emit(node, 0, lines);
  return lines.join('\n') + '\n';
}

function comment(node: SchemaNode, indent: string): string[] {
  const text = [node.description, node.note ? `(${node.note})` : ''].filter(Boolean).join(' ');
  return text ? [`${indent}# ${text}`] : [];
}

function keyText(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function emit(node: SchemaNode, depth: number, out: string[]): void {
  if (node.type !== 'object') return;
  const indent = '  '.repeat(depth);
  for (const [key, child] of Object.entries(node.properties)) {
    out.push(...comment(child, indent));
    if (child.type === 'object' && child.default === undefined) {
      out.push(`${indent}${keyText(key)}:`);
      emit(child, depth + 1, out);
      continue;
    }
    const value = defaultsOf(child);
    const rendered = toYaml(value === undefined ? null : value).trimEnd();
    const isBlock = rendered.includes('\n') || ((Array.isArray(value) || (typeof value === 'object' && value !== null)) && !/^[[{]/.test(rendered));
    if (isBlock) {
      out.push(`${indent}${keyText(key)}:`);
      for (const line of rendered.split('\n')) out.push(`${indent}  ${line}`);
    } else {
      out.push(`${indent}${keyText(key)}: ${rendered}`);
    }
  }
}
