import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { contentHash } from '../../../render/hash.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../../render/security.js';
import type { RenderedObject } from '../../../render/types.js';
import { bundledSentinel, type InfraConfig } from '../config.js';
import { VALKEY_NODE_START, VALKEY_SENTINEL_START } from '../sentinel-scripts.js';
import { valkeyExporterContainers } from './valkey-exporter.js';
import { RUN_DIR, VALKEY_UID, valkeyConf, valkeyGroup } from './valkey.js';

/**
 * Valkey Sentinel mode (valkey.sentinel.enabled): a StatefulSet of data nodes, any of which may be
 * the primary, and a StatefulSet of Sentinels that watch them and promote a replica when the primary
 * fails. Both find each other by the stable DNS names of their headless Services; LiteLLM asks the
 * Sentinels (Service <release>-valkey-sentinel) where the primary is.
 */

export const valkeySentinelGroup = defineGroup<InfraConfig>({
  name: 'valkey-sentinel',
  description: 'Valkey Sentinels, once the data nodes run (a fresh cluster: they find the primary by asking the nodes)',
  after: [valkeyGroup],
});

const SOURCE = 'inference-infrastructure/valkey-sentinel';
const NODE_CONF = '/etc/valkey/node.conf';

/** Seconds a restarted primary waits for a replica to be promoted: Sentinel's detection plus its failover, with a margin. */
export function failoverWaitSeconds(config: InfraConfig): number {
  const vs = config.values.valkey.sentinel;
  return Math.ceil((vs.downAfterMilliseconds + vs.failoverTimeoutMilliseconds) / 1000) + 10;
}

/** "host:port" of every data node and every Sentinel, by pod DNS name (the headless Services publish not-ready pods too). */
export function sentinelTopology(config: InfraConfig): { nodes: string[]; sentinels: string[]; domain: string } {
  const { names, namespace, values } = config;
  const domain = `${namespace}.svc.cluster.local`;
  const nodes = Array.from({ length: 1 + values.valkey.replica.replicaCount }, (_, i) => `${names.valkeyNodes}-${i}.${names.valkeyNodesHeadless}.${domain}:${values.valkey.service.port}`);
  const sentinels = Array.from({ length: values.valkey.sentinel.replicaCount }, (_, i) => `${names.valkeySentinel}-${i}.${names.valkeySentinelHeadless}.${domain}:${values.valkey.sentinel.port}`);
  return { nodes, sentinels, domain };
}

function renderSentinelMode(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, chart, secrets } = config;
  if (!bundledSentinel(values)) return [];
  const vk = values.valkey;
  const vs = vk.sentinel;
  const labels = (component?: string) => commonLabels('valkey', release, chart, component, vk.image.tag);
  const { nodes, sentinels } = sentinelTopology(config);
  const nodeConf = valkeyConf(config, 'node');
  const password = { secretKeyRef: { name: secrets.valkey.name, key: secrets.valkey.key } };
  const wait = failoverWaitSeconds(config);

  const commonEnv = (selfHeadless: string) => [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The address this process announces: its pod's DNS name, stable across restarts (the IP is not).
    { name: 'SELF_HOST', value: `$(POD_NAME).${selfHeadless}.${namespace}.svc.cluster.local` },
    { name: 'NODES', value: nodes.join(' ') },
    { name: 'SENTINELS', value: sentinels.join(' ') },
    { name: 'MASTER_NAME', value: vs.masterName },
    { name: 'RUN_DIR', value: RUN_DIR },
    { name: 'VALKEY_PASSWORD', valueFrom: password },
    // valkey-cli reads the password from here, keeping it off the probes' command lines.
    { name: 'REDISCLI_AUTH', valueFrom: password },
  ];
  const run = { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } };
  const volumesOf = (node: boolean) => (node ? [{ name: 'config', configMap: { name: names.valkeyConfig } }, { name: 'data', emptyDir: {} }, run] : [run]);
  const antiAffinity = (component: string) => ({
    podAntiAffinity: {
      // Preferred: a small cluster still schedules all of them, a larger one loses one per node failure.
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels('valkey', release, component) } } },
      ],
    },
  });
  const podSpec = (component: string, container: Record<string, unknown>, node: boolean, grace: number): Record<string, unknown> => {
    const spec: Record<string, unknown> = {
      serviceAccountName: `${release}-valkey`,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(VALKEY_UID),
      terminationGracePeriodSeconds: grace,
      affinity: antiAffinity(component),
      // Data nodes carry the exporter sidecar (monitoring.enabled); Sentinels have no INFO worth scraping.
      containers: node ? [container, ...valkeyExporterContainers(config)] : [container],
      volumes: volumesOf(node),
    };
    if (values.global.imagePullSecrets.length) spec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
    return spec;
  };
  const exec = (script: string) => ({ exec: { command: ['sh', '-c', script] } });

  const nodeContainer = {
    name: 'valkey',
    image: `${vk.image.repository}:${vk.image.tag}`,
    imagePullPolicy: vk.image.pullPolicy,
    command: ['sh', '-c', VALKEY_NODE_START],
    env: [
      ...commonEnv(names.valkeyNodesHeadless),
      { name: 'VALKEY_PORT', value: String(vk.service.port) },
      { name: 'VALKEY_CONF', value: NODE_CONF },
      { name: 'FAILOVER_WAIT_SECONDS', value: String(wait) },
    ],
    ports: [{ name: 'tcp', containerPort: vk.service.port, protocol: 'TCP' }],
    // A restarted primary may wait for the failover before it listens.
    startupProbe: { ...exec('valkey-cli -p "$VALKEY_PORT" ping | grep -q PONG'), periodSeconds: 5, failureThreshold: Math.ceil((wait + 60) / 5), timeoutSeconds: 3 },
    // Ready as the primary, or as a replica whose link to the primary is up (not while it resyncs).
    readinessProbe: { ...exec('i=$(valkey-cli -p "$VALKEY_PORT" info replication) && case "$i" in *role:master*|*master_link_status:up*) exit 0 ;; esac; exit 1'), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
    livenessProbe: { ...exec('valkey-cli -p "$VALKEY_PORT" ping | grep -q PONG'), periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 5 },
    resources: vk.primary.resources,
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: 'config', mountPath: '/etc/valkey', readOnly: true },
      { name: 'data', mountPath: '/data' },
      { name: 'run', mountPath: RUN_DIR },
    ],
  };
  const sentinelContainer = {
    name: 'sentinel',
    image: `${vk.image.repository}:${vk.image.tag}`,
    imagePullPolicy: vk.image.pullPolicy,
    command: ['sh', '-c', VALKEY_SENTINEL_START],
    env: [
      ...commonEnv(names.valkeySentinelHeadless),
      { name: 'SENTINEL_PORT', value: String(vs.port) },
      { name: 'QUORUM', value: String(vs.quorum) },
      { name: 'DOWN_AFTER_MILLISECONDS', value: String(vs.downAfterMilliseconds) },
      { name: 'FAILOVER_TIMEOUT_MILLISECONDS', value: String(vs.failoverTimeoutMilliseconds) },
    ],
    ports: [{ name: 'sentinel', containerPort: vs.port, protocol: 'TCP' }],
    startupProbe: { ...exec('valkey-cli -p "$SENTINEL_PORT" ping | grep -q PONG'), periodSeconds: 5, failureThreshold: 24, timeoutSeconds: 3 },
    // Ready once it names a primary: what LiteLLM asks it through the Service.
    readinessProbe: { ...exec('[ "$(valkey-cli -p "$SENTINEL_PORT" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" | wc -l)" -eq 2 ]'), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
    livenessProbe: { ...exec('valkey-cli -p "$SENTINEL_PORT" ping | grep -q PONG'), periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 5 },
    resources: vs.resources,
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: 'run', mountPath: RUN_DIR }],
  };

  const headless = (name: string, component: string, portName: string, port: number): K8sObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: labels(component) },
    spec: {
      clusterIP: 'None',
      // Pods resolve each other before they are ready: a replica must reach a primary to become ready.
      publishNotReadyAddresses: true,
      selector: selectorLabels('valkey', release, component),
      ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }],
    },
  });
  const statefulSet = (name: string, serviceName: string, component: string, replicas: number, spec: Record<string, unknown>, hash: string): K8sObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, labels: labels(component) },
    spec: {
      serviceName,
      replicas,
      // All at once: the start scripts agree on the primary without ordering (a fresh cluster's is the
      // first node), and a node waiting for a primary that is down never blocks the others' creation.
      // Rolling updates still go one pod at a time, each waiting for the last to be ready.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: selectorLabels('valkey', release, component) },
      template: { metadata: { labels: labels(component), annotations: { 'inferctl.io/config-hash': hash } }, spec },
    },
  });
  const pdb = (name: string, component: string): K8sObject => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace, labels: labels(component) },
    // One at a time: a drain never takes the primary and its only replica, or two of three Sentinels, together.
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels('valkey', release, component) } },
  });

  const out: RenderedObject[] = [];
  const add = (object: K8sObject, group = valkeyGroup) => out.push({ object, group, source: SOURCE });
  add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${release}-valkey`, namespace, labels: labels() }, automountServiceAccountToken: false });
  add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: names.valkeyConfig, namespace, labels: labels() }, data: { 'node.conf': nodeConf } });
  add(headless(names.valkeyNodesHeadless, 'node', 'tcp', vk.service.port));
  add(statefulSet(names.valkeyNodes, names.valkeyNodesHeadless, 'node', 1 + vk.replica.replicaCount, podSpec('node', nodeContainer, true, 30), contentHash(nodeConf + VALKEY_NODE_START)));
  add(pdb(names.valkeyNodes, 'node'));

  add(headless(names.valkeySentinelHeadless, 'sentinel', 'sentinel', vs.port), valkeySentinelGroup);
  add(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: names.valkeySentinel, namespace, labels: labels('sentinel') },
      spec: { type: 'ClusterIP', selector: selectorLabels('valkey', release, 'sentinel'), ports: [{ name: 'sentinel', port: vs.port, targetPort: 'sentinel', protocol: 'TCP' }] },
    },
    valkeySentinelGroup,
  );
  add(statefulSet(names.valkeySentinel, names.valkeySentinelHeadless, 'sentinel', vs.replicaCount, podSpec('sentinel', sentinelContainer, false, 10), contentHash(VALKEY_SENTINEL_START)), valkeySentinelGroup);
  add(pdb(names.valkeySentinel, 'sentinel'), valkeySentinelGroup);
  if (vs.networkPolicy.enabled) {
    // Defence in depth: whoever can send SENTINEL commands can move the primary, so only this
    // release's LiteLLM and Valkey pods reach the Sentinel port (they also need the password).
    add(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: names.valkeySentinel, namespace, labels: labels('sentinel') },
        spec: {
          podSelector: { matchLabels: selectorLabels('valkey', release, 'sentinel') },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: selectorLabels('litellm-proxy', release, 'proxy') } }, { podSelector: { matchLabels: selectorLabels('valkey', release) } }],
              ports: [{ protocol: 'TCP', port: vs.port }],
            },
          ],
        },
      },
      valkeySentinelGroup,
    );
  }
  return out;
}

export const valkeySentinel: Component<InfraConfig> = { groups: [valkeySentinelGroup], render: renderSentinelMode };
