import { s } from '../../schema/dsl.js';

/** Values pieces the stack's schema and its runtimes share. */

export const pullPolicy = () => s.string({ enum: ['IfNotPresent', 'Always', 'Never'], default: 'IfNotPresent', description: 'Image pull policy.' });

export const image = (repository: string, tag: string, what: string) =>
  s.object({
    repository: s.string({ default: repository, description: `${what} image repository.` }),
    tag: s.string({ default: tag, description: `${what} image tag (pinned; see src/charts/inference-stack/images.ts for the evidence).` }),
    pullPolicy: pullPolicy(),
  });

export const resources = (description: string, def: Record<string, unknown>) => s.any({ shape: 'object', description, default: def });

export const probe = (description: string, def: Record<string, unknown>) => s.any({ shape: 'object', description, default: def });

/** An httpGet probe on the model port (8080). */
export const httpProbe = (path: string, periodSeconds: number, failureThreshold: number, timeoutSeconds = 5, initialDelaySeconds = 0) => ({
  httpGet: { path, port: 8080 },
  ...(initialDelaySeconds ? { initialDelaySeconds } : {}),
  periodSeconds,
  timeoutSeconds,
  failureThreshold,
});
