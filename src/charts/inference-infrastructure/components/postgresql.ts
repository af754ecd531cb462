import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext } from '../../../render/security.js';
import type { ProvidedRef, RenderedObject } from '../../../render/types.js';
import { operatorProvided, type OperatorRef } from '../../contracts/operators.js';
import { synchronousApplies, type InfraConfig } from '../config.js';

const API = 'postgresql.cnpg.io/v1';

/** Where the operators chart runs CloudNativePG, when no operators release says otherwise. */
export const CNPG_OPERATOR = { namespace: 'cnpg-system', name: 'cnpg-controller-manager' };

function cnpgOperator(config: InfraConfig): OperatorRef {
  return config.operators.deployment('cnpgWebhookDeployment', CNPG_OPERATOR, 'CloudNativePG operator (its webhooks admit Clusters and Poolers)');
}

export const postgresqlGroup = defineGroup<InfraConfig>({
  name: 'postgresql',
  description: 'CNPG Cluster: ready when the primary and replicas run and the app Secret exists',
  gates: (config) => {
    const { namespace, name } = cnpgOperator(config);
    return [{ kind: 'deployment-available', namespace, name, why: 'the CNPG webhook must answer before a Cluster can be created' }];
  },
});
export const poolerGroup = defineGroup<InfraConfig>({ name: 'pooler', description: 'PgBouncer Poolers, once the Cluster is Ready', after: [postgresqlGroup] });

function stringParams(params: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

/** CNPG Cluster plus PgBouncer Poolers. CNPG creates the -rw/-ro/-r Services and the -app Secret. */
function renderPostgresql(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, chart } = config;
  const pg = values.postgresql;
  if (!pg.enabled) return [];
  const c = pg.cluster;
  const labels = commonLabels('postgresql', release, chart, 'database');

  const postgresql: Record<string, unknown> = { parameters: stringParams(c.parameters) };
  if (synchronousApplies(config)) {
    postgresql.synchronous = { method: c.synchronous.method, number: c.synchronous.number, dataDurability: c.synchronous.dataDurability };
  }
  const storage: Record<string, unknown> = { size: c.storage.size };
  if (c.storage.storageClass) storage.storageClass = c.storage.storageClass;
  const affinity: Record<string, unknown> = {
    enablePodAntiAffinity: c.affinity.enablePodAntiAffinity,
    podAntiAffinityType: c.affinity.podAntiAffinityType,
    topologyKey: c.affinity.topologyKey,
  };
  if (Object.keys(c.affinity.nodeSelector).length) affinity.nodeSelector = c.affinity.nodeSelector;
  if (c.affinity.tolerations?.length) affinity.tolerations = c.affinity.tolerations;

  const spec: Record<string, unknown> = {
    instances: c.instances,
    imageName: c.imageName,
    primaryUpdateStrategy: 'unsupervised',
    primaryUpdateMethod: c.instances > 1 ? 'switchover' : 'restart',
    postgresql,
    bootstrap: { initdb: { database: c.database, owner: c.owner } },
    enableSuperuserAccess: c.enableSuperuserAccess,
    storage,
    resources: c.resources,
    affinity,
  };
  if (values.global.imagePullSecrets.length) spec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
  if (c.enablePodMonitor) spec.monitoring = { enablePodMonitor: true };

  const cluster: K8sObject = { apiVersion: API, kind: 'Cluster', metadata: { name: names.cluster, namespace, labels }, spec };
  const out: RenderedObject[] = [{ object: cluster, group: postgresqlGroup, source: 'inference-infrastructure/postgresql', keepOnUninstall: true }];

  pg.poolers.forEach((p, i) => {
    const n = names.poolers[i];
    const poolerLabels = commonLabels('postgresql-pooler', release, chart, 'pooler');
    const pooler: K8sObject = {
      apiVersion: API,
      kind: 'Pooler',
      metadata: { name: n.pooler, namespace, labels: poolerLabels },
      spec: {
        cluster: { name: names.cluster },
        instances: p.instances,
        type: p.type,
        pgbouncer: { poolMode: p.poolMode, parameters: stringParams(p.parameters) },
        template: {
          metadata: { labels: { 'app.kubernetes.io/part-of': chart.name, 'app.kubernetes.io/instance': release } },
          // CNPG enforces this same restricted context on pooler pods (uid 998, gid 996); stating it keeps
          // the render checkable against the "restricted" Pod Security Standard on its own.
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 998, runAsGroup: 996, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{ name: 'pgbouncer', resources: p.resources, securityContext: { ...restrictedContainerSecurityContext(true), runAsNonRoot: true } }],
          },
        },
      },
    };
    out.push({ object: pooler, group: poolerGroup, source: 'inference-infrastructure/postgresql' });
    if (n.service !== n.cnpgService) {
      // CNPG names its Service after the Pooler; this one carries the documented name.
      const service: K8sObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: n.service, namespace, labels: poolerLabels },
        spec: {
          type: 'ClusterIP',
          selector: { 'cnpg.io/poolerName': n.pooler },
          ports: [{ name: 'pgbouncer', port: 5432, targetPort: 'pgbouncer', protocol: 'TCP' }],
        },
      };
      out.push({ object: service, group: poolerGroup, source: 'inference-infrastructure/postgresql' });
    }
  });
  return out;
}

/** CNPG creates the app Secret, the -rw/-ro/-r Services and a Service per Pooler. */
function provided(config: InfraConfig): ProvidedRef[] {
  const { names, namespace, values } = config;
  if (!values.postgresql.enabled) return [];
  const cnpg = `CNPG operator (Cluster ${names.cluster})`;
  return [
    operatorProvided(cnpgOperator(config)),
    { kind: 'Secret', namespace, name: names.appSecret, keys: ['username', 'user', 'password', 'dbname', 'host', 'port', 'pgpass', 'uri', 'jdbc-uri', 'fqdn-uri', 'fqdn-jdbc-uri'], by: cnpg },
    ...['rw', 'ro', 'r'].map((suffix) => ({ kind: 'Service', namespace, name: `${names.cluster}-${suffix}`, by: cnpg })),
    ...names.poolers.map((p) => ({ kind: 'Service', namespace, name: p.cnpgService, by: `CNPG operator (Pooler ${p.pooler})` })),
  ];
}

export const postgresql: Component<InfraConfig> = { groups: [postgresqlGroup, poolerGroup], render: renderPostgresql, provided };
