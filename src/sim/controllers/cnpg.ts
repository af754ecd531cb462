/**
 * CloudNativePG operator, scripted. Its admission webhooks "serve" only while the operator
 * Deployment is Available (before that, creating a Cluster fails with the real "failed calling
 * webhook mcluster.cnpg.io ... no endpoints available" error). A Cluster gets its app Secret,
 * rw/ro/r Services, an initdb/join Job then an instance Pod and PVC per instance, one at a time,
 * then Ready=True and phase "Cluster in healthy state". A Pooler gets a Deployment and Service.
 * When the CNPG install manifest brings its own webhook configuration, that one is used instead.
 */
import { randomBytes } from 'node:crypto';
import type { K8sObject } from '../../core/object.js';
import type { AdmissionRequest, BuiltinWebhook } from '../admission.js';
import type { StoreEvent } from '../store.js';
import { obj } from '../util.js';
import type { Client } from './client.js';
import { conditionTrue, deploymentAvailable, findDeployment, fresh, ownerRef, podProblem, podReady, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface CnpgOptions {
  operatorNamespace?: string;
  operatorDeployment?: string;
  webhookService?: string;
  /** Default PostgreSQL image when spec.imageName is unset. */
  image?: string;
}

const GROUP = 'postgresql.cnpg.io';
const API = `${GROUP}/v1`;

export class CnpgController implements Controller {
  readonly name = 'cnpg';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly ns: string;
  private readonly deployment: string;
  private readonly service: string;
  private readonly image: string;

  constructor(opts: CnpgOptions = {}) {
    this.ns = opts.operatorNamespace ?? 'cnpg-system';
    this.deployment = opts.operatorDeployment ?? 'cnpg-controller-manager';
    this.service = opts.webhookService ?? 'cnpg-webhook-service';
    this.image = opts.image ?? 'ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie';
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('cnpg-manager');
    const hooks: [string, 'mutating' | 'validating', string, string][] = [
      ['mcluster.cnpg.io', 'mutating', 'Cluster', 'clusters'],
      ['vcluster.cnpg.io', 'validating', 'Cluster', 'clusters'],
      ['vpooler.cnpg.io', 'validating', 'Pooler', 'poolers'],
      ['mbackup.cnpg.io', 'mutating', 'Backup', 'backups'],
      ['vbackup.cnpg.io', 'validating', 'Backup', 'backups'],
      ['mscheduledbackup.cnpg.io', 'mutating', 'ScheduledBackup', 'scheduledbackups'],
      ['vscheduledbackup.cnpg.io', 'validating', 'ScheduledBackup', 'scheduledbackups'],
    ];
    for (const [name, type, kind] of hooks) {
      const verb = type === 'mutating' ? 'mutate' : 'validate';
      const hook: BuiltinWebhook = {
        name,
        type,
        url: `https://${this.service}.${this.ns}.svc:443/${verb}-postgresql-cnpg-io-v1-${kind.toLowerCase()}?timeout=10s`,
        matches: (req: AdmissionRequest) => req.rt.group === GROUP && req.rt.kind === kind && !req.subresource && (req.operation === 'CREATE' || req.operation === 'UPDATE'),
        unavailable: () => (this.operatorReady() ? undefined : `no endpoints available for service "${this.service}"`),
      };
      ctx.api.admission.builtinWebhooks.push(hook);
    }
    this.resync();
  }

  private operatorReady(): boolean {
    return deploymentAvailable(findDeployment(this.client, this.deployment, this.ns));
  }

  resync(): void {
    for (const c of this.client.list(API, 'Cluster')) this.reconcileCluster(c);
    for (const p of this.client.list(API, 'Pooler')) this.reconcilePooler(p);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.storageKey === `${GROUP}/clusters` && e.type !== 'DELETED') return this.reconcileCluster(o);
    if (e.storageKey === `${GROUP}/poolers` && e.type !== 'DELETED') return this.reconcilePooler(o);
    if (e.storageKey === 'apps/deployments' && o.metadata.name === this.deployment && o.metadata.namespace === this.ns) return this.resync();
    const cluster = o.metadata.labels?.['cnpg.io/cluster'];
    if (cluster && ['/pods', 'batch/jobs', '/persistentvolumeclaims'].includes(e.storageKey)) {
      const c = this.client.get(API, 'Cluster', o.metadata.namespace, cluster);
      if (c) this.reconcileCluster(c);
    }
    const pooler = o.metadata.labels?.['cnpg.io/poolerName'];
    if (pooler && e.storageKey === 'apps/deployments') {
      const p = this.client.get(API, 'Pooler', o.metadata.namespace, pooler);
      if (p) this.reconcilePooler(p);
    }
  }

  private reconcileCluster(eventC: K8sObject): void {
    const c = fresh(this.ctx, eventC);
    if (!c) return;
    if (c.metadata.deletionTimestamp || !this.operatorReady()) return;
    const ns = c.metadata.namespace!;
    const name = c.metadata.name;
    const spec = obj(c.spec);
    const instances = Number(spec.instances ?? 1);
    const image = String(spec.imageName ?? this.image);
    this.ensureSecrets(c);
    for (const [suffix, selector] of [
      ['rw', { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'primary' }],
      ['ro', { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'replica' }],
      ['r', { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' }],
    ] as const) {
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${name}-${suffix}`, namespace: ns, labels: { 'cnpg.io/cluster': name }, ownerReferences: [ownerRef(c)] },
        spec: { type: 'ClusterIP', selector: { ...selector }, ports: [{ name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 }] },
      });
    }
    let phase = 'Cluster in healthy state';
    let phaseReason: string | undefined;
    const names: string[] = [];
    for (let i = 1; i <= instances; i++) {
      const instance = `${name}-${i}`;
      names.push(instance);
      const storage = obj(spec.storage);
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: instance, namespace: ns, labels: { 'cnpg.io/cluster': name, 'cnpg.io/instanceName': instance, 'cnpg.io/pvcRole': 'PG_DATA' }, ownerReferences: [ownerRef(c)] },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: String(storage.size ?? '1Gi') } },
          ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
        },
      });
      const pod = this.client.get('v1', 'Pod', ns, instance);
      if (pod) {
        if (!podReady(pod)) {
          phase = i === 1 ? 'Setting up primary' : 'Creating a new replica';
          const p = podProblem(pod);
          if (p) phaseReason = `${p.reason}: ${p.message}`;
          break;
        }
        continue;
      }
      const jobName = i === 1 ? `${name}-1-initdb` : `${instance}-join`;
      const role = i === 1 ? 'initdb' : 'join';
      const job = this.client.get('batch/v1', 'Job', ns, jobName);
      phase = i === 1 ? 'Setting up primary' : 'Creating a new replica';
      if (!job) {
        this.client.ensure(this.job(c, jobName, instance, role, image));
        break;
      }
      if (conditionTrue(job, 'Failed')) {
        phaseReason = `${role} job ${jobName} failed: ${String(setFailedMessage(job))}`;
        break;
      }
      if (!conditionTrue(job, 'Complete')) break;
      this.client.ensure(this.instancePod(c, instance, i === 1 ? 'primary' : 'replica', image));
      break;
    }
    const pods = this.client.list('v1', 'Pod', ns, `cnpg.io/cluster=${name},cnpg.io/podRole=instance`);
    const ready = pods.filter(podReady).length;
    const healthy = ready >= instances;
    if (healthy) phase = 'Cluster in healthy state';
    const status: Record<string, unknown> = {
      instances: pods.length,
      readyInstances: ready,
      phase,
      phaseReason: phaseReason ?? null,
      currentPrimary: pods.some((p) => p.metadata.name === `${name}-1`) ? `${name}-1` : null,
      targetPrimary: `${name}-1`,
      instanceNames: names.filter((n) => pods.some((p) => p.metadata.name === n)),
      latestGeneratedNode: pods.length,
      writeService: `${name}-rw`,
      readService: `${name}-r`,
      healthyPVC: names,
      image,
      conditions: setCondition(
        obj(c.status).conditions,
        healthy
          ? { type: 'Ready', status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready' }
          : { type: 'Ready', status: 'False', reason: 'ClusterIsNotReady', message: 'Cluster Is Not Ready' },
      ),
    };
    this.client.patchStatus(c, status);
  }

  private ensureSecrets(c: K8sObject): void {
    const ns = c.metadata.namespace!;
    const name = c.metadata.name;
    const initdb = obj(obj(obj(c.spec).bootstrap).initdb);
    const db = String(initdb.database ?? 'app');
    const user = String(initdb.owner ?? db);
    if (!obj(initdb.secret).name) {
      const password = randomBytes(32).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
      const host = `${name}-rw`;
      const fqdn = `${host}.${ns}.svc.cluster.local`;
      const data: Record<string, string> = {
        username: user,
        user,
        password,
        dbname: db,
        host,
        port: '5432',
        pgpass: `${host}:5432:${db}:${user}:${password}\n`,
        uri: `postgresql://${user}:${password}@${host}.${ns}:5432/${db}`,
        'jdbc-uri': `jdbc:postgresql://${host}.${ns}:5432/${db}?password=${password}&user=${user}`,
        'fqdn-uri': `postgresql://${user}:${password}@${fqdn}:5432/${db}`,
        'fqdn-jdbc-uri': `jdbc:postgresql://${fqdn}:5432/${db}?password=${password}&user=${user}`,
      };
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/basic-auth',
        metadata: { name: `${name}-app`, namespace: ns, labels: { 'cnpg.io/cluster': name, 'cnpg.io/reload': 'true', 'cnpg.io/userType': 'app' }, ownerReferences: [ownerRef(c)] },
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      });
    }
    for (const suffix of ['ca', 'server', 'replication']) {
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Secret',
        type: suffix === 'ca' ? 'Opaque' : 'kubernetes.io/tls',
        metadata: { name: `${name}-${suffix}`, namespace: ns, labels: { 'cnpg.io/cluster': name, 'cnpg.io/reload': 'true' }, ownerReferences: [ownerRef(c)] },
        data:
          suffix === 'ca'
            ? { 'ca.crt': Buffer.from('simulated-ca').toString('base64'), 'ca.key': Buffer.from('simulated-key').toString('base64') }
            : { 'tls.crt': Buffer.from('simulated-cert').toString('base64'), 'tls.key': Buffer.from('simulated-key').toString('base64') },
      });
    }
  }

  private labels(c: K8sObject, instance: string): Record<string, string> {
    return { 'cnpg.io/cluster': c.metadata.name, 'cnpg.io/instanceName': instance };
  }

  private job(c: K8sObject, jobName: string, instance: string, role: string, image: string): K8sObject {
    const labels = { ...this.labels(c, instance), 'cnpg.io/jobRole': role };
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: jobName, namespace: c.metadata.namespace, labels, ownerReferences: [ownerRef(c)] },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: role, image, command: ['/controller/manager', 'instance', role] }],
            volumes: [{ name: 'pgdata', persistentVolumeClaim: { claimName: instance } }],
          },
        },
      },
    };
  }

  private instancePod(c: K8sObject, instance: string, role: 'primary' | 'replica', image: string): K8sObject {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: instance,
        namespace: c.metadata.namespace,
        labels: { ...this.labels(c, instance), 'cnpg.io/instanceRole': role, role, 'cnpg.io/podRole': 'instance' },
        ownerReferences: [ownerRef(c)],
      },
      spec: {
        hostname: instance,
        subdomain: `${c.metadata.name}-any`,
        containers: [
          {
            name: 'postgres',
            image,
            ports: [
              { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
              { name: 'status', containerPort: 8000, protocol: 'TCP' },
            ],
          },
        ],
        volumes: [{ name: 'pgdata', persistentVolumeClaim: { claimName: instance } }],
      },
    };
  }

  private reconcilePooler(eventP: K8sObject): void {
    const p = fresh(this.ctx, eventP);
    if (!p) return;
    if (p.metadata.deletionTimestamp || !this.operatorReady()) return;
    const ns = p.metadata.namespace!;
    const name = p.metadata.name;
    const spec = obj(p.spec);
    const clusterName = String(obj(spec.cluster).name ?? '');
    if (!this.client.get(API, 'Cluster', ns, clusterName)) {
      this.client.patchStatus(p, { phase: 'failed', phaseReason: `Cluster "${clusterName}" not found` });
      return;
    }
    const labels = { 'cnpg.io/poolerName': name };
    const template = obj(spec.template);
    const userContainers = obj(template.spec).containers;
    this.client.ensure({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels: { ...labels, 'cnpg.io/cluster': clusterName }, ownerReferences: [ownerRef(p)] },
      spec: {
        replicas: Number(spec.instances ?? 1),
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, 'cnpg.io/cluster': clusterName } },
          spec: {
            // Like CNPG's podspec builder: the operator's pgbouncer container, with the user's fields on top.
            containers: mergePgbouncer(Array.isArray(userContainers) ? (userContainers as Record<string, unknown>[]) : []),
          },
        },
      },
    });
    this.client.ensure({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels: { ...labels }, ownerReferences: [ownerRef(p)] },
      spec: { type: 'ClusterIP', selector: { ...labels }, ports: [{ name: 'pgbouncer', port: 5432, protocol: 'TCP', targetPort: 'pgbouncer' }] },
    });
    const d = this.client.get('apps/v1', 'Deployment', ns, name);
    const ready = Number(obj(d?.status).readyReplicas ?? 0);
    this.client.patchStatus(p, {
      instances: ready,
      // The CRD only allows active/paused/inactive/failed: no phase until the pods serve.
      phase: deploymentAvailable(d) ? 'active' : null,
      phaseReason: null,
      secrets: { serverTLS: { name: `${clusterName}-server` }, serverCA: { name: `${clusterName}-ca` }, clientCA: { name: `${clusterName}-ca` } },
    });
  }
}

function mergePgbouncer(user: Record<string, unknown>[]): Record<string, unknown>[] {
  const base = { name: 'pgbouncer', image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1', ports: [{ name: 'pgbouncer', containerPort: 5432, protocol: 'TCP' }] };
  const mine = user.find((c) => c.name === 'pgbouncer');
  return [{ ...base, ...(mine ?? {}), image: (mine?.image as string) ?? base.image, ports: base.ports }, ...user.filter((c) => c !== mine)];
}

function setFailedMessage(job: K8sObject): unknown {
  const c = (obj(job.status).conditions as Record<string, unknown>[] | undefined)?.find((x) => x.type === 'Failed');
  return c?.message ?? 'failed';
}
