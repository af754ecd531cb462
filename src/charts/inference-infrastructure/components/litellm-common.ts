import { commonLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext } from '../../../render/security.js';
import type { InfraConfig } from '../config.js';

/**
 * What the LiteLLM parts share (config, proxy, migration, route): names, labels, image, the
 * environment that reaches the database, the mounted config and launcher, the security contexts.
 */

/** The image's non-root user (Wolfi "nonroot"); LiteLLM needs no privileges. */
export const LITELLM_UID = 65532;
export const CONFIG_DIR = '/etc/litellm';
export const SCRIPTS_DIR = '/etc/litellm-scripts';
export const LITELLM_SOURCE = 'inference-infrastructure/litellm-proxy';

export function litellmLabels(config: InfraConfig, component: string): Record<string, string> {
  const lp = config.values['litellm-proxy'];
  return commonLabels('litellm-proxy', config.release, config.chart, component, lp.image.tag);
}

export function litellmImage(config: InfraConfig): string {
  const lp = config.values['litellm-proxy'];
  return `${lp.image.repository}:${lp.image.tag}`;
}

export function pullSecrets(config: InfraConfig): { name: string }[] {
  return config.values.global.imagePullSecrets.map((name) => ({ name }));
}

export function databaseEnv(config: InfraConfig): Record<string, unknown>[] {
  const db = config.database;
  const env: Record<string, unknown>[] = [
    { name: 'PGHOST', value: db.host },
    { name: 'PGPORT', value: String(db.port) },
    { name: 'PGDIRECTHOST', value: db.directHost },
    { name: 'PGDATABASE', value: db.name },
    { name: 'PGUSER', value: db.user },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
    { name: 'PGBOUNCER', value: String(db.pgbouncer) },
  ];
  const sslmode = config.values['litellm-proxy'].database.sslmode;
  if (sslmode) env.push({ name: 'PGSSLMODE', value: sslmode });
  return env;
}

export function commonEnv(): Record<string, unknown>[] {
  return [
    { name: 'HOME', value: '/tmp' },
    { name: 'LITELLM_MODE', value: 'PRODUCTION' },
    { name: 'LITELLM_MIGRATION_DIR', value: '/tmp/litellm-migrations' },
    // The cost map ships in the image; no download at start (works air-gapped).
    { name: 'LITELLM_LOCAL_MODEL_COST_MAP', value: 'True' },
  ];
}

export function litellmVolumes(config: InfraConfig): Record<string, unknown>[] {
  const { names } = config;
  return [
    { name: 'config', configMap: { name: names.litellmConfig } },
    { name: 'scripts', configMap: { name: names.litellmScripts } },
    { name: 'tmp', emptyDir: {} },
  ];
}

export function litellmVolumeMounts(): Record<string, unknown>[] {
  return [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
}

/**
 * Prisma writes its engine and client caches inside the image's own tree, so the root filesystem
 * stays writable; everything else the "restricted" Pod Security Standard asks for is set.
 */
export function litellmContainerSecurity(): Record<string, unknown> {
  return restrictedContainerSecurityContext(false);
}

export function litellmPodSecurity(): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: LITELLM_UID, seccompProfile: { type: 'RuntimeDefault' } };
}
