import type { MetricCatalog } from './types.js';

/**
 * Valkey through the oliver006/redis_exporter sidecar, pinned to ghcr.io/oliver006/redis_exporter:v1.88.0
 * (also published as docker.io/oliver006/redis_exporter:v1.88.0 and quay.io/...; scratch image,
 * USER 59000:59000, EXPOSE 9121). Go client_golang; metric namespace "redis" (REDIS_EXPORTER_NAMESPACE).
 */
export const valkeyExporterMetrics: MetricCatalog = {
  component: 'Valkey (redis_exporter sidecar)',
  version: 'redis_exporter v1.88.0 (Valkey 8.1.8)',
  source:
    'oliver006/redis_exporter@v1.88.0 (commit 16db88a0c2981c365aeca0973c43dd7d6a560f64, tagged 2026-07-23): README.md ("Prometheus Valkey & Redis Metrics Exporter ... Supports Valkey 7.x, 8.x, 9.x"), exporter/exporter.go (metricMapGauges, metricMapCounters, metricDescriptions), exporter/info.go (instance_info, master_link_up, db_keys), main.go (flags/env, :9121, namespace "redis"), Dockerfile, .github/workflows/release.yml (images oliver006/redis_exporter, ghcr.io/oliver006/redis_exporter, quay.io/oliver006/redis_exporter; docker/metadata-action tag = git tag)',
  endpoint: {
    port: 9121,
    path: '/metrics',
    scheme: 'http',
    enable: 'sidecar container with REDIS_ADDR=redis://localhost:6379 and REDIS_PASSWORD from the Valkey secret (REDIS_USER for an ACL user); --web.listen-address / REDIS_EXPORTER_WEB_LISTEN_ADDRESS',
  },
  confidence: 'verified',
  counterTotalSuffix: 'as-registered',
  note:
    'INFO fields are renamed by the exporter (used_memory -> redis_memory_used_bytes, maxmemory -> redis_memory_max_bytes, keyspace_hits -> redis_keyspace_hits_total). redis_memory_max_bytes is 0 when maxmemory is unset. ' +
    'redis_master_link_up, redis_slave_info and redis_master_last_io_seconds_ago exist only on replicas; redis_connected_slave_lag_seconds only on a primary with replicas. redis_instance_info carries valkey_version when the server is Valkey. ' +
    'The image tag v1.88.0 is inferred from the release workflow (metadata-action tags the pushed image with the git tag); it was not looked up in a registry.',
  metrics: [
    { name: 'redis_up', type: 'gauge', help: '1 if the last scrape of Valkey succeeded.', labels: [] },
    { name: 'redis_instance_info', type: 'gauge', help: 'Instance info (1): role, versions, mode, maxmemory_policy.', labels: ['role', 'redis_version', 'redis_build_id', 'redis_mode', 'os', 'maxmemory_policy', 'tcp_port', 'run_id', 'process_id', 'master_replid', 'valkey_version'] },
    { name: 'redis_uptime_in_seconds', type: 'gauge', help: 'Server uptime, seconds.', labels: [] },
    { name: 'redis_connected_clients', type: 'gauge', help: 'Connected clients.', labels: [] },
    { name: 'redis_blocked_clients', type: 'gauge', help: 'Clients blocked on a blocking call.', labels: [] },
    { name: 'redis_max_clients', type: 'gauge', help: 'maxclients setting.', labels: [] },
    { name: 'redis_memory_used_bytes', type: 'gauge', help: 'used_memory, bytes.', labels: [] },
    { name: 'redis_memory_used_rss_bytes', type: 'gauge', help: 'used_memory_rss, bytes.', labels: [] },
    { name: 'redis_memory_used_peak_bytes', type: 'gauge', help: 'used_memory_peak, bytes.', labels: [] },
    { name: 'redis_memory_max_bytes', type: 'gauge', help: 'maxmemory, bytes (0 = unlimited).', labels: [] },
    { name: 'redis_mem_fragmentation_ratio', type: 'gauge', help: 'mem_fragmentation_ratio.', labels: [] },
    { name: 'redis_connected_slaves', type: 'gauge', help: 'Connected replicas.', labels: [] },
    { name: 'redis_master_repl_offset', type: 'gauge', help: 'Replication offset of the primary.', labels: [] },
    { name: 'redis_master_link_up', type: 'gauge', help: '1 if the replica\'s link to its primary is up.', labels: ['master_host', 'master_port'], condition: 'replica' },
    { name: 'redis_master_last_io_seconds_ago', type: 'gauge', help: 'Seconds since the replica last heard from its primary.', labels: ['master_host', 'master_port'], condition: 'replica' },
    { name: 'redis_master_sync_in_progress', type: 'gauge', help: '1 while a replica is syncing from its primary.', labels: ['master_host', 'master_port'], condition: 'replica' },
    { name: 'redis_slave_info', type: 'gauge', help: 'Replica info (1).', labels: ['master_host', 'master_port', 'read_only'], condition: 'replica' },
    { name: 'redis_connected_slave_lag_seconds', type: 'gauge', help: 'Lag of a connected replica, seconds.', labels: ['slave_ip', 'slave_port', 'slave_state'], condition: 'primary with replicas' },
    { name: 'redis_connected_slave_offset_bytes', type: 'gauge', help: 'Replication offset of a connected replica.', labels: ['slave_ip', 'slave_port', 'slave_state'], condition: 'primary with replicas' },
    { name: 'redis_db_keys', type: 'gauge', help: 'Keys per database.', labels: ['db'] },
    { name: 'redis_db_keys_expiring', type: 'gauge', help: 'Keys with a TTL per database.', labels: ['db'] },
    { name: 'redis_rdb_last_bgsave_status', type: 'gauge', help: '1 if the last RDB save succeeded.', labels: [] },
    { name: 'redis_aof_last_bgrewrite_status', type: 'gauge', help: '1 if the last AOF rewrite succeeded.', labels: [] },
    { name: 'redis_keyspace_hits_total', type: 'counter', help: 'Successful key lookups.', labels: [] },
    { name: 'redis_keyspace_misses_total', type: 'counter', help: 'Failed key lookups. Hit rate = hits / (hits + misses).', labels: [] },
    { name: 'redis_evicted_keys_total', type: 'counter', help: 'Keys evicted due to maxmemory.', labels: [] },
    { name: 'redis_expired_keys_total', type: 'counter', help: 'Keys expired.', labels: [] },
    { name: 'redis_commands_processed_total', type: 'counter', help: 'Commands processed.', labels: [] },
    { name: 'redis_connections_received_total', type: 'counter', help: 'Connections accepted.', labels: [] },
    { name: 'redis_rejected_connections_total', type: 'counter', help: 'Connections rejected (maxclients).', labels: [] },
    { name: 'redis_net_input_bytes_total', type: 'counter', help: 'Network bytes in.', labels: [] },
    { name: 'redis_net_output_bytes_total', type: 'counter', help: 'Network bytes out.', labels: [] },
    { name: 'redis_cpu_sys_seconds_total', type: 'counter', help: 'System CPU, seconds.', labels: [] },
    { name: 'redis_cpu_user_seconds_total', type: 'counter', help: 'User CPU, seconds.', labels: [] },
    { name: 'redis_commands_total', type: 'counter', help: 'Calls per command.', labels: ['cmd'] },
    { name: 'redis_commands_duration_seconds_total', type: 'counter', help: 'Time spent per command, seconds.', labels: ['cmd'] },
    { name: 'redis_errors_total', type: 'counter', help: 'Error replies per error type.', labels: ['err'] },
    { name: 'redis_exporter_last_scrape_error', type: 'gauge', help: '1 if the last scrape errored (label err carries the message).', labels: ['err'] },
    { name: 'redis_exporter_last_scrape_duration_seconds', type: 'gauge', help: 'Duration of the last scrape, seconds.', labels: [] },
    { name: 'redis_exporter_scrapes_total', type: 'counter', help: 'Scrapes performed by the exporter.', labels: [] },
  ],
};
