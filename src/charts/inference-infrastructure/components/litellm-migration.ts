import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';
import {
  commonEnv,
  databaseEnv,
  LITELLM_SOURCE,
  litellmContainerSecurity,
  litellmImage,
  litellmLabels,
  litellmPodSecurity,
  litellmVolumeMounts,
  litellmVolumes,
  pullSecrets,
  SCRIPTS_DIR,
} from './litellm-common.js';
import { litellmConfigGroup } from './litellm-config.js';
import { poolerGroup } from './postgresql.js';

export const litellmMigrationGroup = defineGroup<InfraConfig>({
  name: 'litellm-migration',
  description: 'Prisma migrations against the primary, once the database and its Secret exist',
  after: (config) => [litellmConfigGroup, ...(config.database.bundled ? [poolerGroup] : [])],
});

/** LiteLLM's Prisma migrations as a Job, so the proxy rolls out only against a migrated schema. */
function renderMigration(config: InfraConfig): RenderedObject[] {
  const { values, names, namespace } = config;
  const lp = values['litellm-proxy'];
  if (!lp.enabled || !lp.migrationJob.enabled) return [];
  const image = litellmImage(config);
  const labels = litellmLabels(config, 'migration');
  const jobPod: Record<string, unknown> = {
    serviceAccountName: names.litellm,
    automountServiceAccountToken: false,
    restartPolicy: 'Never',
    securityContext: litellmPodSecurity(),
    containers: [
      {
        name: 'migration',
        image,
        imagePullPolicy: lp.image.pullPolicy,
        workingDir: '/app',
        // Waits for the primary (not the pooler), then runs LiteLLM's Prisma migrations against it.
        command: ['python3', `${SCRIPTS_DIR}/launch.py`, '--migrate', '--wait', '600', '--', 'python3', 'litellm/proxy/prisma_migration.py'],
        env: [...commonEnv(), ...databaseEnv(config), { name: 'DISABLE_SCHEMA_UPDATE', value: 'false' }],
        resources: lp.migrationJob.resources,
        securityContext: litellmContainerSecurity(),
        volumeMounts: litellmVolumeMounts().filter((m) => m.name !== 'config'),
      },
    ],
    volumes: litellmVolumes(config).filter((v) => v.name !== 'config'),
  };
  if (pullSecrets(config).length) jobPod.imagePullSecrets = pullSecrets(config);
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.migrationJob, namespace, labels },
    spec: {
      backoffLimit: lp.migrationJob.backoffLimit,
      activeDeadlineSeconds: lp.migrationJob.activeDeadlineSeconds,
      template: { metadata: { labels: litellmLabels(config, 'migration'), annotations: { 'inferctl.io/image': image } }, spec: jobPod },
    },
  };
  return [{ object: job, group: litellmMigrationGroup, source: LITELLM_SOURCE, replaceOnChange: true }];
}

export const litellmMigration: Component<InfraConfig> = { groups: [litellmMigrationGroup], render: renderMigration };
