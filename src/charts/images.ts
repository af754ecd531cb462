/**
 * Every container image a chart renders, pinned to a tag that exists upstream. One place so an
 * upgrade is one reviewed diff. Evidence for each tag is in docs/versions.md.
 */
export const images = {
  /** Release notes of v1.104.2 (2026-10-08) name this exact tag; the image bundles the Prisma toolchain. */
  litellm: { repository: 'ghcr.io/berriai/litellm', tag: 'v1.104.2' },
  /** valkey-io/valkey-container versions.json: 8.1 -> 8.1.8 (Debian; user valkey uid/gid 999). */
  valkey: { repository: 'docker.io/valkey/valkey', tag: '8.1.8' },
  /** cloudnative-pg/artifacts system-trixie image catalog (2026-08-17). */
  postgresql: 'ghcr.io/cloudnative-pg/postgresql:17.11-202608170816-system-trixie',
  /**
   * Valkey's metrics sidecar (monitoring.enabled): oliver006/redis_exporter v1.88.0 (commit 16db88a0,
   * 2026-07-23; README "Supports Valkey 7.x, 8.x, 9.x"). Its release workflow pushes the git tag to
   * ghcr.io/oliver006/redis_exporter; the default image is the scratch build, USER 59000:59000, port 9121.
   */
  redisExporter: { repository: 'ghcr.io/oliver006/redis_exporter', tag: 'v1.88.0' },
} as const;
