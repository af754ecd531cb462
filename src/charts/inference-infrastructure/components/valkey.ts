import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import { contentHash } from '../../../render/hash.js';
import { parseQuantity } from '../../../render/quantity.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../../render/security.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';
import { secretsGroup } from './secrets.js';
import { valkeyExporterContainers } from './valkey-exporter.js';

/** The official image's "valkey" user; the image runs valkey-server as it. */
export const VALKEY_UID = 999;
/** Memory-backed directory for what the start scripts write: the password include, the role, sentinel.conf. */
export const RUN_DIR = '/run/valkey';
const AUTH_FILE = `${RUN_DIR}/auth.conf`;

export const valkeyGroup = defineGroup<InfraConfig>({ name: 'valkey', description: 'Valkey primary and replicas', after: [secretsGroup] });

/**
 * valkey.conf for a role. The password never appears here: the container writes it to an include
 * file from the Secret at start, so the ConfigMap can be rendered, diffed and committed. A Sentinel
 * mode "node" may be primary or replica: its start script writes the role to a second include.
 */
export function valkeyConf(config: InfraConfig, role: 'primary' | 'replica' | 'node'): string {
  const vk = config.values.valkey;
  // In Sentinel mode any node may become the primary, so every node is sized like one.
  const limit = role === 'replica' ? vk.replica.resources?.limits?.memory : vk.primary.resources?.limits?.memory;
  const lines = [
    `# ${role} of ${role === 'node' ? config.names.valkeyNodes : config.names.valkeyService}; rendered by inferctl`,
    `port ${vk.service.port}`,
    'bind * -::*',
    'protected-mode no',
    'dir /data',
  ];
  if (vk.cache.persistence) {
    lines.push('appendonly yes', 'appendfsync everysec', 'save 3600 1 300 100 60 10000');
  } else {
    // A response cache is rebuilt on demand: no disk writes, diskless replication.
    lines.push('appendonly no', 'save ""', 'repl-diskless-sync yes');
  }
  if (limit) {
    const bytes = Math.floor((parseQuantity(String(limit)) * vk.cache.maxmemoryPercent) / 100);
    lines.push(`maxmemory ${bytes}`);
  }
  lines.push(`maxmemory-policy ${vk.cache.maxmemoryPolicy}`);
  if (role !== 'primary') {
    if (role === 'replica') lines.push(`replicaof ${config.names.valkeyService} ${vk.service.port}`);
    lines.push(
      'replica-read-only yes',
      'replica-serve-stale-data yes',
      vk.cache.persistence ? 'repl-diskless-load disabled' : 'repl-diskless-load on-empty-db',
    );
  }
  lines.push(`include ${AUTH_FILE}`);
  if (role === 'node') lines.push(`include ${RUN_DIR}/role.conf`);
  return lines.join('\n') + '\n';
}

/**
 * Writes requirepass/masterauth from $VALKEY_PASSWORD, quoted as valkey.conf expects, then starts
 * the server. Shared by the pods and by the test that runs real valkey-server processes.
 */
export function valkeyStartScript(confPath: string): string {
  return [
    'set -eu',
    'umask 077',
    `esc=$(printf '%s' "$VALKEY_PASSWORD" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')`,
    `printf 'requirepass "%s"\\nmasterauth "%s"\\n' "$esc" "$esc" > ${AUTH_FILE}`,
    `exec valkey-server ${confPath}`,
  ].join('\n');
}

function renderValkey(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, chart } = config;
  const vk = values.valkey;
  // Sentinel mode renders its own workloads (valkey-sentinel.ts).
  if (!vk.enabled || vk.sentinel.enabled) return [];
  const source = 'inference-infrastructure/valkey';
  const labels = (component?: string) => commonLabels('valkey', release, chart, component, vk.image.tag);
  const primaryConf = valkeyConf(config, 'primary');
  const replicaConf = valkeyConf(config, 'replica');

  const serviceAccount: K8sObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: `${release}-valkey`, namespace, labels: labels() },
    automountServiceAccountToken: false,
  };
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.valkeyConfig, namespace, labels: labels() },
    data: { 'primary.conf': primaryConf, 'replica.conf': replicaConf },
  };
  const service: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.valkeyService, namespace, labels: labels('primary') },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels('valkey', release, 'primary'),
      ports: [{ name: 'tcp', port: vk.service.port, targetPort: 'tcp', protocol: 'TCP' }],
    },
  };

  const workload = (role: 'primary' | 'replica', replicas: number, conf: string): K8sObject => {
    const readiness =
      role === 'primary'
        ? 'valkey-cli -p "$VALKEY_PORT" ping | grep -q PONG'
        : 'valkey-cli -p "$VALKEY_PORT" info replication | grep -q "master_link_status:up"';
    const podSpec: Record<string, unknown> = {
      serviceAccountName: `${release}-valkey`,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(VALKEY_UID),
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: 'valkey',
          image: `${vk.image.repository}:${vk.image.tag}`,
          imagePullPolicy: vk.image.pullPolicy,
          command: ['sh', '-c', valkeyStartScript(`/etc/valkey/${role}.conf`)],
          env: [
            { name: 'VALKEY_PORT', value: String(vk.service.port) },
            { name: 'VALKEY_PASSWORD', valueFrom: { secretKeyRef: { name: config.secrets.valkey.name, key: config.secrets.valkey.key } } },
            // valkey-cli reads the password from here, keeping it off the probe's command line.
            { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: config.secrets.valkey.name, key: config.secrets.valkey.key } } },
          ],
          ports: [{ name: 'tcp', containerPort: vk.service.port, protocol: 'TCP' }],
          startupProbe: { exec: { command: ['sh', '-c', 'valkey-cli -p "$VALKEY_PORT" ping | grep -q PONG'] }, periodSeconds: 5, failureThreshold: 24, timeoutSeconds: 3 },
          readinessProbe: { exec: { command: ['sh', '-c', readiness] }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
          livenessProbe: { exec: { command: ['sh', '-c', 'valkey-cli -p "$VALKEY_PORT" ping | grep -q PONG'] }, periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 5 },
          resources: role === 'primary' ? vk.primary.resources : vk.replica.resources,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/valkey', readOnly: true },
            { name: 'data', mountPath: '/data' },
            { name: 'run', mountPath: '/run/valkey' },
          ],
        },
        ...valkeyExporterContainers(config),
      ],
      volumes: [
        { name: 'config', configMap: { name: names.valkeyConfig } },
        { name: 'data', emptyDir: {} },
        { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      ],
    };
    if (values.global.imagePullSecrets.length) podSpec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: role === 'primary' ? names.valkeyPrimary : names.valkeyReplica, namespace, labels: labels(role) },
      spec: {
        replicas,
        // One primary at a time: two would split writes between them during a rollout.
        strategy: role === 'primary' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        selector: { matchLabels: selectorLabels('valkey', release, role) },
        template: {
          metadata: { labels: labels(role), annotations: { 'inferctl.io/config-hash': contentHash(conf) } },
          spec: podSpec,
        },
      },
    };
  };

  const out: RenderedObject[] = [
    { object: serviceAccount, group: valkeyGroup, source },
    { object: configMap, group: valkeyGroup, source },
    { object: service, group: valkeyGroup, source },
    { object: workload('primary', 1, primaryConf), group: valkeyGroup, source },
  ];
  if (vk.replica.replicaCount > 0) {
    out.push({ object: workload('replica', vk.replica.replicaCount, replicaConf), group: valkeyGroup, source });
  }
  return out;
}

export const valkey: Component<InfraConfig> = { groups: [valkeyGroup], render: renderValkey };
