/**
 * Start scripts of the bundled Valkey Sentinel mode, shared by the pods and by the test that runs
 * real valkey-server and valkey-sentinel processes. Both read their topology from the environment,
 * so the same text runs in a StatefulSet pod and on 127.0.0.1 with distinct ports:
 *
 *   SELF_HOST    this process's announced address (the pod's stable DNS name)
 *   NODES        data nodes as "host:port ...", the first one starts as master in a fresh cluster
 *   SENTINELS    Sentinels as "host:port ..." (in a cluster: the Sentinel Service)
 *   MASTER_NAME  the name Sentinel monitors (LiteLLM's service_name)
 *   RUN_DIR      a writable, memory-backed directory for generated config (holds the password)
 */

/** The password as a quoted valkey.conf string: backslashes and quotes escaped, nothing else touched. */
const ESCAPED_PASSWORD = `esc=$(printf '%s' "$VALKEY_PASSWORD" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')`;

/**
 * "host port" of the master the Sentinels name now, or nothing. The Sentinels require the Valkey
 * password too (LiteLLM v1.104 sends sentinel_password to them; the fix of BerriAI/litellm#20734).
 */
const SENTINEL_MASTER = `sentinel_master() {
  for s in $SENTINELS; do
    a=$(REDISCLI_AUTH="$VALKEY_PASSWORD" valkey-cli -h "\${s%:*}" -p "\${s##*:}" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null | tr '\\n' ' ' | sed 's/ *$//') || a=""
    case "$a" in *" "*) echo "$a"; return 0 ;; esac
  done
}`;

const FIRST_NODE = `first=\${NODES%% *}
first_node="\${first%:*} \${first##*:}"`;

/**
 * A data node. It asks the Sentinels who the master is and replicates from it. A node that starts
 * while the Sentinels still name it master has lost its data (no persistence): coming back as master
 * would make every replica resync to an empty dataset, so it stays down until Sentinel promotes a
 * replica (at most FAILOVER_WAIT_SECONDS), then joins as a replica. Only a fresh cluster, where no
 * Sentinel knows a master yet, starts the first node as master.
 */
export const VALKEY_NODE_START = `set -eu
umask 077
${ESCAPED_PASSWORD}
printf 'requirepass "%s"\\nmasterauth "%s"\\n' "$esc" "$esc" > "$RUN_DIR/auth.conf"
self="$SELF_HOST $VALKEY_PORT"
${SENTINEL_MASTER}
${FIRST_NODE}
master=$(sentinel_master)
if [ "$master" = "$self" ]; then
  end=$(( $(date +%s) + FAILOVER_WAIT_SECONDS ))
  echo "Sentinel still names this node master, but it restarted without its data: waiting for a replica to be promoted"
  while [ "$master" = "$self" ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 1
    master=$(sentinel_master)
  done
fi
if [ -z "$master" ]; then
  master="$first_node"
  echo "no Sentinel knows a master yet: a new cluster, $master starts as master"
fi
{
  echo "replica-announce-ip $SELF_HOST"
  if [ "$master" != "$self" ]; then echo "replicaof $master"; fi
} > "$RUN_DIR/role.conf"
if [ "$master" = "$self" ]; then echo "starting as master"; else echo "starting as a replica of $master"; fi
exec valkey-server "$VALKEY_CONF"
`;

/**
 * A Sentinel. It monitors the master another Sentinel already follows; at cluster start (no Sentinel
 * knows one) it asks the data nodes and takes the one that reports role:master with the most
 * replicas, else the first node. Its config lives in RUN_DIR because Sentinel rewrites it (and it
 * holds the password: requirepass for clients and the other Sentinels, auth-pass for the nodes).
 */
export const VALKEY_SENTINEL_START = `set -eu
umask 077
${ESCAPED_PASSWORD}
${SENTINEL_MASTER}
${FIRST_NODE}
master=$(sentinel_master)
if [ -z "$master" ]; then
  best=-1
  for n in $NODES; do
    info=$(REDISCLI_AUTH="$VALKEY_PASSWORD" valkey-cli -h "\${n%:*}" -p "\${n##*:}" --raw INFO replication 2>/dev/null) || continue
    case "$info" in
      *role:master*)
        count=$(printf '%s\\n' "$info" | sed -n 's/^connected_slaves:\\([0-9]*\\).*/\\1/p')
        if [ "\${count:-0}" -gt "$best" ]; then best=\${count:-0}; master="\${n%:*} \${n##*:}"; fi
        ;;
    esac
  done
fi
if [ -z "$master" ]; then master="$first_node"; fi
cat > "$RUN_DIR/sentinel.conf" <<EOF
port $SENTINEL_PORT
bind \${BIND_ADDRESS:-* -::*}
protected-mode no
dir $RUN_DIR
requirepass "$esc"
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $SELF_HOST
sentinel monitor $MASTER_NAME $master $QUORUM
sentinel auth-pass $MASTER_NAME "$esc"
sentinel down-after-milliseconds $MASTER_NAME $DOWN_AFTER_MILLISECONDS
sentinel failover-timeout $MASTER_NAME $FAILOVER_TIMEOUT_MILLISECONDS
sentinel parallel-syncs $MASTER_NAME 1
EOF
echo "monitoring $MASTER_NAME at $master"
exec valkey-sentinel "$RUN_DIR/sentinel.conf"
`;
