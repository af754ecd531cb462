import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import { contentHash } from '../../../render/hash.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../../render/security.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';
import { GENERATE_SECRETS_PY } from '../scripts.js';

export const GENERATOR_UID = 65532;

export const secretsGroup = defineGroup<InfraConfig>({ name: 'secrets', description: 'Generate missing Secrets once, in the cluster' });

/**
 * Zero-config secrets without secret values in the render: a Job creates each missing Secret once,
 * in the cluster. Re-renders, upgrades and GitOps syncs produce the same objects, so nothing churns,
 * and the Secrets (which carry no owner) survive an uninstall unless --purge.
 */
function renderSecretGenerator(config: InfraConfig): RenderedObject[] {
  const { names, release, namespace, chart, generated, values } = config;
  if (generated.length === 0) return [];
  const source = 'inference-infrastructure/secrets';
  const labels = commonLabels('secret-generator', release, chart, 'secrets');
  const name = names.secretGenerator;
  const spec = generated.map(({ name: n, key, prefix, bytes, purpose }) => ({ name: n, key, prefix, bytes, purpose }));
  const secretLabels = {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'inferctl',
    'app.kubernetes.io/part-of': chart.name,
    'inferctl.io/generated': 'true',
  };
  const image = `${values['litellm-proxy'].image.repository}:${values['litellm-proxy'].image.tag}`;

  const objects: K8sObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace, labels },
      rules: [
        // "create" cannot be limited to names; "get" can, so the Job reads only its own Secrets.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: generated.map((g) => g.name), verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels },
      data: { 'generate-secrets.py': GENERATE_SECRETS_PY },
    },
  ];
  const podSpec: Record<string, unknown> = {
    serviceAccountName: name,
    restartPolicy: 'Never',
    securityContext: restrictedPodSecurityContext(GENERATOR_UID),
    containers: [
      {
        name: 'generate',
        image,
        imagePullPolicy: values['litellm-proxy'].image.pullPolicy,
        command: ['python3', '/scripts/generate-secrets.py'],
        env: [
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'SECRETS_SPEC', value: JSON.stringify(spec) },
          { name: 'SECRET_LABELS', value: JSON.stringify(secretLabels) },
        ],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }],
      },
    ],
    volumes: [{ name: 'scripts', configMap: { name } }],
  };
  if (values.global.imagePullSecrets.length) podSpec.imagePullSecrets = values.global.imagePullSecrets.map((n) => ({ name: n }));
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels },
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels, annotations: { 'inferctl.io/spec-hash': contentHash(spec) } },
        spec: podSpec,
      },
    },
  };
  objects.push(job);
  return objects.map((object) => ({ object, group: secretsGroup, source, replaceOnChange: object.kind === 'Job' }));
}

export const secretGenerator: Component<InfraConfig> = {
  groups: [secretsGroup],
  render: renderSecretGenerator,
  provided: ({ namespace, names, generated }) => generated.map((g) => ({ kind: 'Secret', namespace, name: g.name, keys: [g.key], by: `secret generator Job ${names.secretGenerator}` })),
};
