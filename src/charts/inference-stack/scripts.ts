/**
 * Programs the stack renders into ConfigMaps or commands. They are real code: the registrar is run
 * by test/real/stack-registrar.test.ts with python3 against a fake LiteLLM admin API.
 */

/**
 * Makes the models LiteLLM stores in its database for one stack release equal the desired list,
 * through the admin API (STORE_MODEL_IN_DB=True): GET /model/info, POST /model/new, POST
 * /model/delete. A model belongs to the release whose "<namespace>/<release>" is in its
 * model_info.inferctl_owner; ids are stable (model_info.id), so a re-run changes nothing, a changed
 * model is deleted and re-created under the same id, and models of other releases or of LiteLLM's
 * config file are never touched. Every create is read back (GET /model/info?litellm_model_id=<id>):
 * LiteLLM has answered 200 to /model/new while storing nothing (BerriAI/litellm#30771, the model
 * listed with model_info.db_model false), so a model that cannot be read back as stored in the
 * database within REGISTRAR_VERIFY_SECONDS fails the Job, naming the model; one listed as not stored
 * is re-created on the next run. Waits (retrying the whole pass) until LiteLLM answers; a rejected
 * master key is fatal at once. The key is never printed.
 *
 * Environment: LITELLM_URL, LITELLM_MASTER_KEY, REGISTRAR_OWNER, DESIRED_MODELS (JSON list of
 * {model_name, litellm_params, model_info: {id, ...}}), REGISTRAR_TIMEOUT_SECONDS (default 1800),
 * REGISTRAR_RETRY_SECONDS (default 5), REGISTRAR_VERIFY_SECONDS (default 90: other LiteLLM pods load
 * a new model from the database on their own interval), REGISTRAR_BEST_EFFORT=1 (uninstall: report
 * problems but exit 0, so a LiteLLM that is already gone never blocks removing the models).
 */
export const REGISTRAR_PY = String.raw`#!/usr/bin/env python3
"""inferctl model registrar: sync one stack release's models into LiteLLM's database."""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

OWNER_KEY = "inferctl_owner"
KEY = os.environ.get("LITELLM_MASTER_KEY", "")
PAUSE = float(os.environ.get("REGISTRAR_RETRY_SECONDS", "5"))
VERIFY_SECONDS = float(os.environ.get("REGISTRAR_VERIFY_SECONDS", "90"))


def log(msg):
    if KEY:
        msg = msg.replace(KEY, "***")
    print("inferctl-registrar: " + msg, file=sys.stderr, flush=True)


class Fatal(Exception):
    """Retrying cannot help (rejected key, invalid request, foreign model in the way)."""


class NotReady(Exception):
    """LiteLLM is not answering yet, or answered with a transient error."""


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + KEY)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else {}
    except urllib.error.HTTPError as err:
        text = err.read().decode("utf-8", "replace")[:400].replace(KEY or "\0", "***")
        where = "%s %s" % (method, path)
        if err.code in (401, 403):
            raise Fatal("LiteLLM rejected the master key on %s (HTTP %d). Check the Secret the "
                        "registrar reads (env LITELLM_MASTER_KEY) against the infrastructure "
                        "release's LiteLLM master key." % (where, err.code))
        if "STORE_MODEL_IN_DB" in text:
            raise Fatal("LiteLLM does not store models in its database (%s answered: %s). "
                        "Set STORE_MODEL_IN_DB=True on the proxy." % (where, text))
        if err.code >= 500 or err.code in (408, 425, 429):
            raise NotReady("%s: HTTP %d %s" % (where, err.code, text))
        raise Fatal("%s: HTTP %d %s" % (where, err.code, text))
    except ValueError as err:
        raise NotReady("%s %s: answer is not JSON (%s)" % (method, path, err))
    except (urllib.error.URLError, OSError) as err:
        raise NotReady("%s %s: %s" % (method, path, getattr(err, "reason", err)))


def subset_differs(want, have):
    """True when a key we set has another value in LiteLLM (which adds many keys of its own)."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return True
        return any(subset_differs(v, have.get(k)) for k, v in want.items() if k != "api_key")
    return want != have


def stored(model):
    """LiteLLM marks models it loaded from its database; one kept only in a worker's memory is not."""
    return (model.get("model_info") or {}).get("db_model") is True


def verify(base, want, pause, seconds):
    """Reads a created model back until it is there and stored in the database, or fails naming it."""
    mid = want["model_info"]["id"]
    name = want["model_name"]
    where = "GET /model/info?litellm_model_id=" + urllib.parse.quote(mid, safe="")
    deadline = time.monotonic() + seconds
    while True:
        try:
            data = call(base, "GET", "/model/info?litellm_model_id=" + urllib.parse.quote(mid, safe="")).get("data") or []
            found = next((m for m in data if (m.get("model_info") or {}).get("id") == mid), None)
        except Fatal as err:
            # LiteLLM answers 400 "Model id = ... not found on litellm proxy" for an id its router lacks.
            if "not found" not in str(err).lower():
                raise
            found = None
        if found is not None and stored(found):
            return
        if found is not None:
            raise Fatal("LiteLLM answered 200 to POST /model/new for model %s (id %s) but did not store it "
                        "in its database (%s lists it with model_info.db_model=%r; BerriAI/litellm#30771): "
                        "it would vanish when the proxy restarts and other LiteLLM pods never see it. Check "
                        "the proxy's database connection and STORE_MODEL_IN_DB, then run the stack upgrade again"
                        % (name, mid, where, (found.get("model_info") or {}).get("db_model")))
        if time.monotonic() >= deadline:
            raise Fatal("LiteLLM answered 200 to POST /model/new for model %s (id %s), but %s still finds no "
                        "such model after %gs (BerriAI/litellm#30771: created without being stored). Check the "
                        "proxy's database connection and STORE_MODEL_IN_DB, then run the stack upgrade again"
                        % (name, mid, where, seconds))
        time.sleep(pause)


def sync_once(base, owner, desired):
    listed = call(base, "GET", "/model/info").get("data") or []
    mine, taken = {}, {}
    for m in listed:
        info = m.get("model_info") or {}
        mid = info.get("id")
        if not mid:
            continue
        if info.get(OWNER_KEY) == owner:
            mine[mid] = m
        else:
            taken[mid] = info.get(OWNER_KEY) or "LiteLLM's config or another client"
    created = updated = deleted = kept = 0
    for want in desired:
        mid = want["model_info"]["id"]
        if mid in taken:
            raise Fatal("model id %s already belongs to %s, not %s; rename the model or remove the other entry"
                        % (mid, taken[mid], owner))
        have = mine.get(mid)
        if have is not None and not subset_differs(want, have) and stored(have):
            kept += 1
            continue
        if have is not None:
            delete(base, mid)
            updated += 1
        else:
            created += 1
        call(base, "POST", "/model/new", want)
        verify(base, want, PAUSE, VERIFY_SECONDS)
        log("%s %s -> %s" % ("updated" if have is not None else "registered", want["model_name"],
                             want["litellm_params"].get("api_base", "")))
    wanted = {w["model_info"]["id"] for w in desired}
    for mid in sorted(set(mine) - wanted):
        delete(base, mid)
        deleted += 1
        log("removed %s (%s)" % (mine[mid].get("model_name"), mid))
    log("in sync for %s: %d registered, %d updated, %d removed, %d unchanged"
        % (owner, created, updated, deleted, kept))


def delete(base, mid):
    try:
        call(base, "POST", "/model/delete", {"id": mid})
    except Fatal as err:
        # Someone removed it in the meantime: the goal is reached.
        if "not found" not in str(err).lower():
            raise


def main():
    base = os.environ["LITELLM_URL"].rstrip("/")
    owner = os.environ["REGISTRAR_OWNER"]
    desired = json.loads(os.environ.get("DESIRED_MODELS", "[]"))
    timeout = float(os.environ.get("REGISTRAR_TIMEOUT_SECONDS", "1800"))
    pause = PAUSE
    best_effort = os.environ.get("REGISTRAR_BEST_EFFORT") == "1"
    code = run(base, owner, desired, timeout, pause)
    if code and best_effort:
        log("WARNING: routes of %s may remain in LiteLLM (see above); not blocking the uninstall" % owner)
        return 0
    return code


def run(base, owner, desired, timeout, pause):
    if not KEY:
        log("LITELLM_MASTER_KEY is empty: the master key Secret or its key does not exist")
        return 2
    for want in desired:
        if not want.get("model_info", {}).get("id") or want["model_info"].get(OWNER_KEY) != owner:
            log("desired model %s lacks model_info.id or the owner marker" % want.get("model_name"))
            return 2
    log("syncing %d model(s) of %s into %s" % (len(desired), owner, base))
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            sync_once(base, owner, desired)
            return 0
        except Fatal as err:
            log("error: %s" % err)
            return 1
        except NotReady as err:
            if time.monotonic() >= deadline:
                log("gave up after %ds; LiteLLM still not ready: %s" % (timeout, err))
                return 75
            if attempt == 1 or attempt % 10 == 0:
                log("waiting for LiteLLM: %s" % err)
            time.sleep(pause)


if __name__ == "__main__":
    sys.exit(main())
`;

/**
 * Ollama's start command. The model is pulled by a server on a loopback port first; only then does
 * the real server open port 8080, so probes and traffic see a server that has the model. Uses the
 * ollama CLI to poll (the image has no curl).
 */
export const OLLAMA_START_SH = `set -eu
: "\${OLLAMA_MODEL:?set OLLAMA_MODEL to the model tag}"
OLLAMA_HOST=127.0.0.1:11434 ollama serve &
pid=$!
tries=0
until OLLAMA_HOST=127.0.0.1:11434 ollama list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then echo "ollama did not start within 120 s" >&2; exit 1; fi
  sleep 1
done
echo "pulling $OLLAMA_MODEL" >&2
OLLAMA_HOST=127.0.0.1:11434 ollama pull "$OLLAMA_MODEL"
kill "$pid"
wait "$pid" || true
exec env OLLAMA_HOST=0.0.0.0:8080 ollama serve
`;
