import type { K8sObject } from '../../src/core/object.js';
import type { InstallRequest } from '../../src/actions/install.js';
import type { WaitOptions } from '../../src/actions/context.js';
import { renderComponents, type Component } from '../../src/render/component.js';
import { defineGroup } from '../../src/render/groups.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import type { ChartDefinition } from '../../src/render/types.js';
import { s, type Infer } from '../../src/schema/dsl.js';

/**
 * A small chart of real kinds for the reliability tests on the simulator: the situations the
 * platform charts meet (a cluster-scoped object named from values, a shared singleton, a PDB an
 * upgrade may drop, a migration Job, an app Deployment), without installing the whole platform.
 */

const values = s.object({
  setting: s.string({ default: 'one' }),
  /** Names a cluster-scoped object, as gatewayClassName does: two releases with one name collide. */
  className: s.string({ default: 'rel-class' }),
  shared: s.bool({ default: false }),
  /** What the shared object says: releases that disagree on it cannot share it. */
  sharedVerb: s.string({ default: 'get' }),
  pdb: s.bool({ default: false }),
  jobImage: s.string({ default: 'busybox:1' }),
  replicas: s.int({ default: 1 }),
  appImage: s.string({ default: 'nginx:1' }),
  /** A Secret the app mounts; when it does not exist the pod is stuck in FailedMount. */
  mountSecret: s.string({ default: '' }),
  /** A second app in a group of its own, independent of the first: a failure reports both. */
  sidecarApp: s.bool({ default: false }),
  blob: s.int({ default: 0 }),
  /** GPUs the app asks for: a cluster without GPU nodes cannot schedule it. */
  gpus: s.int({ default: 0 }),
  /** A ConfigMap standing for data: kept on uninstall unless --purge. */
  keepData: s.bool({ default: false }),
});
type Values = Infer<typeof values>;

const settings = defineGroup<Values>({ name: 'settings', description: 'ConfigMaps and the PDB' });
const cluster = defineGroup<Values>({ name: 'cluster', description: 'cluster-scoped objects' });
const migration = defineGroup<Values>({ name: 'migration', description: 'the migration Job', after: [settings] });
const app = defineGroup<Values>({ name: 'app', description: 'the app', after: [migration] });
const side = defineGroup<Values>({ name: 'side', description: 'a second app', after: [settings] });
const src = 'reliability-chart';

function deployment(name: string, namespace: string, v: Values, secret: string): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: v.replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'main',
              image: v.appImage,
              ...(v.gpus ? { resources: { limits: { 'nvidia.com/gpu': String(v.gpus) } } } : {}),
              ...(secret ? { volumeMounts: [{ name: 'creds', mountPath: '/creds' }] } : {}),
            },
          ],
          ...(secret ? { volumes: [{ name: 'creds', secret: { secretName: secret } }] } : {}),
        },
      },
    },
  };
}

function components(namespace: string, release: string): Component<Values>[] {
  return [
    {
      groups: [settings],
      render: (v) => [
        { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${release}-settings`, namespace }, data: { setting: v.setting, ...(v.blob ? { blob: pseudoRandom(v.blob) } : {}) } }, group: settings, source: src },
        ...(v.keepData ? [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${release}-data`, namespace }, data: { rows: '42' } }, group: settings, source: src, keepOnUninstall: true }] : []),
        ...(v.pdb
          ? [{ object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: `${release}-pdb`, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: `${release}-app` } } } }, group: settings, source: src }]
          : []),
      ],
    },
    {
      groups: [cluster],
      render: (v) => [
        { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: v.className }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }, group: cluster, source: src, nameFrom: 'className' },
        ...(v.shared
          ? [{ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'shared-singleton' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [v.sharedVerb] }] }, group: cluster, source: src, shared: true }]
          : []),
      ],
    },
    {
      groups: [migration],
      render: (v) => [
        {
          object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${release}-migrate`, namespace }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: v.jobImage }] } } } },
          group: migration,
          source: src,
          replaceOnChange: true,
        },
      ],
    },
    { groups: [app], render: (v) => [{ object: deployment(`${release}-app`, namespace, v, v.mountSecret), group: app, source: src }] },
    { groups: [side], render: (v) => (v.sidecarApp ? [{ object: deployment(`${release}-side`, namespace, v, v.mountSecret), group: side, source: src }] : []) },
  ];
}

/** Incompressible text of `n` characters, deterministic: a record too big for one Secret. */
function pseudoRandom(n: number): string {
  let x = 2463534242;
  let out = '';
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  while (out.length < n) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += abc[(x >>> 0) % 64];
  }
  return out;
}

export const reliabilityChart: ChartDefinition<Values> = {
  info: { name: 'reliability-chart', version: '1.0.0', appVersion: '1', description: 'a chart for reliability tests' },
  values,
  render(ctx) {
    const { objects, groups } = renderComponents(components(ctx.namespace, ctx.release), ctx.values);
    return { objects, groups, provided: [], exports: { namespace: ctx.namespace } };
  },
};

export function request(name: string, namespace: string, set: string[], wait: WaitOptions, extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    name,
    namespace,
    chart: reliabilityChart,
    valueOptions: { ...emptyValueOptions(), values: set },
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait,
    ...extra,
  };
}
