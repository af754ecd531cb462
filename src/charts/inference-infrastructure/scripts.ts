/**
 * Small stdlib-only Python programs rendered into ConfigMaps and run with the LiteLLM image's
 * Python. They are real code: tests run them with the machine's python3 against real PostgreSQL,
 * PgBouncer and the Kubernetes API simulator.
 */

/**
 * Builds DATABASE_URL (through the pooler) and DIRECT_URL (to the primary) from the PG* variables,
 * percent-encoding user, password and database, optionally waits until the database accepts TCP
 * connections, empties PROMETHEUS_MULTIPROC_DIR when set (LiteLLM's metrics), then replaces itself
 * with the given command. Secrets are never printed.
 */
export const LAUNCH_PY = String.raw`#!/usr/bin/env python3
"""inferctl launcher: build percent-encoded database URLs, optionally wait for the database, exec."""
import os
import shutil
import socket
import sys
import time
import urllib.parse


def log(msg):
    print("inferctl-launch: " + msg, file=sys.stderr, flush=True)


def netloc(host, port):
    if ":" in host and not host.startswith("["):
        host = "[" + host + "]"
    return host + ":" + str(port)


def build_url(host, port, params):
    quote = lambda s: urllib.parse.quote(s, safe="")
    user = quote(os.environ["PGUSER"])
    password = quote(os.environ["PGPASSWORD"])
    database = quote(os.environ["PGDATABASE"])
    url = "postgresql://%s:%s@%s/%s" % (user, password, netloc(host, port), database)
    query = urllib.parse.urlencode([(k, v) for k, v in params if v])
    return url + ("?" + query if query else "")


def wait_for(host, port, timeout):
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            with socket.create_connection((host, int(port)), timeout=3):
                log("database %s answers" % netloc(host, port))
                return
        except OSError as err:
            if time.monotonic() >= deadline:
                log("gave up waiting for %s after %ss: %s" % (netloc(host, port), timeout, err))
                sys.exit(75)
            if attempt == 1 or attempt % 10 == 0:
                log("waiting for database %s: %s" % (netloc(host, port), err))
            time.sleep(2)


def main(argv):
    if "--" not in argv:
        log("usage: launch.py [--migrate] [--wait SECONDS] -- COMMAND [ARGS...]")
        sys.exit(64)
    split = argv.index("--")
    opts, command = argv[:split], argv[split + 1:]
    migrate = "--migrate" in opts
    wait = int(opts[opts.index("--wait") + 1]) if "--wait" in opts else 0

    port = os.environ.get("PGPORT", "5432")
    host = os.environ["PGHOST"]
    direct_host = os.environ.get("PGDIRECTHOST") or host
    direct_port = os.environ.get("PGDIRECTPORT") or port
    sslmode = os.environ.get("PGSSLMODE", "")
    pooled_params = [("sslmode", sslmode)]
    if os.environ.get("PGBOUNCER", "false").lower() == "true":
        pooled_params.append(("pgbouncer", "true"))
    direct = build_url(direct_host, direct_port, [("sslmode", sslmode)])
    os.environ["DIRECT_URL"] = direct
    # Migrations need session-level advisory locks, which transaction pooling breaks: go direct.
    os.environ["DATABASE_URL"] = direct if migrate else build_url(host, port, pooled_params)
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if metrics_dir and not migrate:
        # Samples a previous container of this pod left in the emptyDir would be added to the new counters.
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.makedirs(metrics_dir, exist_ok=True)
    if wait:
        wait_for(direct_host if migrate else host, direct_port if migrate else port, wait)
    log("starting %s (database %s%s)" % (command[0], netloc(direct_host if migrate else host, direct_port if migrate else port), ", migrations" if migrate else ""))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
`;

/**
 * Creates each missing Secret exactly once with a random value, through the Kubernetes API with the
 * Job's ServiceAccount token. An existing Secret is never changed (409 AlreadyExists means another
 * run won), so upgrades and GitOps re-syncs keep the values. Values are never printed.
 */
export const GENERATE_SECRETS_PY = String.raw`#!/usr/bin/env python3
"""inferctl secret generator: create-if-absent, never overwrite, never print a value."""
import base64
import json
import os
import secrets
import ssl
import sys
import urllib.error
import urllib.request

SA = "/var/run/secrets/kubernetes.io/serviceaccount"


def log(msg):
    print("inferctl-secrets: " + msg, file=sys.stderr, flush=True)


def api():
    base = os.environ.get("KUBE_API_URL")
    if base:
        token = os.environ.get("KUBE_TOKEN", "")
        return base.rstrip("/"), token, None
    host = os.environ["KUBERNETES_SERVICE_HOST"]
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = "[" + host + "]"
    with open(SA + "/token") as f:
        token = f.read().strip()
    ctx = ssl.create_default_context(cafile=SA + "/ca.crt")
    return "https://%s:%s" % (host, port), token, ctx


def request(method, url, token, ctx, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        try:
            payload = json.loads(err.read() or b"{}")
        except ValueError:
            payload = {}
        return err.code, payload


def main():
    spec = json.loads(os.environ["SECRETS_SPEC"])
    namespace = os.environ["POD_NAMESPACE"]
    labels = json.loads(os.environ.get("SECRET_LABELS", "{}"))
    base, token, ctx = api()
    failed = False
    for item in spec:
        name, key = item["name"], item["key"]
        url = "%s/api/v1/namespaces/%s/secrets" % (base, namespace)
        status, existing = request("GET", url + "/" + name, token, ctx)
        if status == 200:
            if key in (existing.get("data") or {}):
                log("secret %s already has key %s: kept" % (name, key))
            else:
                log("secret %s exists without key %s: not changing a Secret inferctl did not create; add the key or delete the Secret" % (name, key))
                failed = True
            continue
        if status != 404:
            log("reading secret %s failed with HTTP %s: %s" % (name, status, existing.get("message", "")))
            failed = True
            continue
        value = item.get("prefix", "") + secrets.token_hex(int(item.get("bytes", 32)))
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {"name": name, "namespace": namespace, "labels": labels,
                         "annotations": {"inferctl.io/generated-for": item.get("purpose", "")}},
            "data": {key: base64.b64encode(value.encode()).decode()},
        }
        status, result = request("POST", url, token, ctx, body)
        if status == 201:
            log("secret %s created (key %s)" % (name, key))
        elif status == 409:
            log("secret %s was created concurrently: kept" % name)
        else:
            log("creating secret %s failed with HTTP %s: %s" % (name, status, result.get("message", "")))
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
`;
