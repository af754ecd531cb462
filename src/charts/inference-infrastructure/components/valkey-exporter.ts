import { restrictedContainerSecurityContext } from '../../../render/security.js';
import type { InfraConfig } from '../config.js';

/** redis_exporter's own port (main.go default :9121). */
export const VALKEY_EXPORTER_PORT = 9121;
/** The image's USER (Dockerfile: USER 59000:59000); the Valkey pod runs as 999, so the container says so. */
const EXPORTER_UID = 59000;

/**
 * The redis_exporter sidecar of a Valkey pod (monitoring.enabled): it reads INFO from Valkey on
 * localhost with the password from the auth Secret (env, never the command line) and serves
 * redis_* metrics on port "metrics". The scratch image writes nothing, so the root filesystem is
 * read-only and the container meets the "restricted" Pod Security Standard.
 */
export function valkeyExporterContainers(config: InfraConfig): Record<string, unknown>[] {
  if (!config.monitoring.all) return [];
  const { image, resources } = config.values.monitoring.valkeyExporter;
  const secret = config.secrets.valkey;
  return [
    {
      name: 'metrics',
      image: `${image.repository}:${image.tag}`,
      imagePullPolicy: image.pullPolicy,
      env: [
        { name: 'REDIS_ADDR', value: `redis://localhost:${config.values.valkey.service.port}` },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } },
        { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: `:${VALKEY_EXPORTER_PORT}` },
      ],
      ports: [{ name: 'metrics', containerPort: VALKEY_EXPORTER_PORT, protocol: 'TCP' }],
      resources,
      securityContext: { ...restrictedContainerSecurityContext(), runAsNonRoot: true, runAsUser: EXPORTER_UID, runAsGroup: EXPORTER_UID },
    },
  ];
}
