#!/usr/bin/env bash
# The containers for real: builds the image (docker/Dockerfile) on a locally made base, starts NATS, Redis and the
# nine actors as containers on the host network (ports and prefixes of their own, never 4222/6379), publishes 1,000
# items with `himari run --external`, kills one actor container mid-stream (SIGKILL) and starts it again, then
# checks that every item became exactly one signal (none lost, none applied twice) and that features read back.
#
# Exit 0: passed. Exit 77: skipped (no Docker engine can start here), with the reason on stderr. Other: failed.
# Env: HIMARI_SMOKE_KEEP=1 keeps the containers; HIMARI_SMOKE_KILL=ACTOR picks the victim (default finbert-actor).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
TOTAL="${HIMARI_SMOKE_ITEMS:-1000}"
VICTIM="${HIMARI_SMOKE_KILL:-finbert-actor}"
BASE="${HIMARI_BASE_IMAGE:-himari-local/node:20-bookworm}"
SERVICES="himari-local/services:bookworm"
IMAGE="himari/sidecar:smoke"
ACTORS=(ingestor event-classifier finbert-actor opt-actor cot-actor rag-actor calibrator cache-writer feature-injector)
RUN_ID="smoke$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d "/tmp/himari-$RUN_ID.XXXX")"
started=$(date +%s)
say() { printf '[smoke %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- a Docker engine: the running one, or one started here (no bridge network on this kind of machine) ---
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || skip "no Docker engine: docker info fails and dockerd is not installed (apt-get install -y docker.io)"
  [ "$(id -u)" = 0 ] || skip "no Docker engine running, and starting dockerd needs root"
  say "starting dockerd --iptables=false --bridge=none"
  nohup dockerd --iptables=false --bridge=none >"$WORK/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || skip "dockerd did not start: $(tail -3 "$WORK/dockerd.log" | tr '\n' ' ')"
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
NATS_PORT="$(free_port)"
REDIS_PORT="$(free_port)"
METRICS_BASE="$(free_port)"
NATS_URL="nats://127.0.0.1:$NATS_PORT"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
KEY_PREFIX="$RUN_ID:llm"

containers=()
cleanup() {
  status=$?
  if [ "${HIMARI_SMOKE_KEEP:-}" != 1 ] && [ ${#containers[@]} -gt 0 ]; then docker rm -f "${containers[@]}" >/dev/null 2>&1 || true; fi
  rm -f "$ROOT/docker/ca/machine.crt"
  [ $status -eq 0 ] || echo "logs and outputs kept in $WORK" >&2
  exit $status
}
trap cleanup EXIT

# --- images: the base and the services image are cached; the sidecar image is rebuilt (layers cached by Docker) ---
bash docker/local-base.sh
if ! docker image inspect "$SERVICES" >/dev/null 2>&1; then
  say "services image $SERVICES (Debian's nats-server and redis-server)"
  printf 'FROM %s\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nats-server redis-server && rm -rf /var/lib/apt/lists/*\n' "$BASE" |
    docker build --network host -q -t "$SERVICES" - >/dev/null
fi
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt docker/ca/machine.crt
say "building $IMAGE from $BASE"
t0=$(date +%s)
docker build --network host --build-arg NODE_IMAGE="$BASE" -f docker/Dockerfile -t "$IMAGE" . >"$WORK/build.log" 2>&1 ||
  { tail -30 "$WORK/build.log" >&2; fail "docker build failed (log: $WORK/build.log)"; }
SIZE_MB="$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f", $1/1e6}')"
say "image $IMAGE: ${SIZE_MB} MB, built in $(($(date +%s) - t0)) s"
# The image's promises: faiss-node loads at run time (J3 would otherwise fall back to hnswlib), a non-root user.
docker run --rm --entrypoint node "$IMAGE" -e '
  const f = require("faiss-node");
  const ix = f.Index.fromFactory(4, "Flat", f.MetricType.METRIC_INNER_PRODUCT);
  ix.add([1, 0, 0, 0, 0, 1, 0, 0]);
  if (ix.search([0, 1, 0, 0], 1).labels[0] !== 1) process.exit(1);
' || fail "faiss-node does not load in the image"
docker run --rm --entrypoint node "$IMAGE" -e '
  require("onnxruntime-node"); require("hnswlib-node"); require("better-sqlite3")(":memory:").prepare("select 1").get();
  import("@huggingface/transformers").then((t) => { if (typeof t.pipeline !== "function") process.exit(1); }, () => process.exit(1));
' || fail "a native module or transformers.js does not load in the image"
uid="$(docker run --rm --entrypoint id "$IMAGE" -u)"
[ "$uid" = 1000 ] || fail "the image runs as uid $uid, not 1000"
say "faiss-node, onnxruntime-node, hnswlib-node, better-sqlite3, transformers.js load in the image; runs as uid $uid"

# --- NATS and Redis ---
run() { local name="$1"; shift; containers+=("$name"); docker run -d --name "$name" --network host "$@" >/dev/null; }
run "$RUN_ID-nats" "$SERVICES" nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd /tmp/js
run "$RUN_ID-redis" "$SERVICES" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; fail "port $1 did not open"; }
wait_port "$NATS_PORT"
wait_port "$REDIS_PORT"

# Short ack wait, so that the killed actor's unacked deliveries come back within seconds.
cat >"$WORK/himari.yaml" <<YAML
himari:
  actors:
    drain_timeout_ms: 3000
    retry:
      ack_wait_ms: 3000
      backoff_ms: [100, 300, 1000]
YAML
chmod 644 "$WORK/himari.yaml"
start_actor() {
  local i="$1" actor="${ACTORS[$1]}"
  run "$RUN_ID-$actor" --read-only --tmpfs /tmp \
    -v "$WORK/himari.yaml:/etc/himari/himari.yaml:ro" \
    -e HIMARI_CONFIG=/etc/himari/himari.yaml -e HIMARI_ACTOR="$actor" \
    -e HIMARI_NATS_URL="$NATS_URL" -e HIMARI_REDIS_URL="$REDIS_URL" \
    -e HIMARI_NATS_PREFIX="$RUN_ID" -e HIMARI_REDIS_KEY_PREFIX="$KEY_PREFIX" \
    -e HIMARI_METRICS_PORT="$((METRICS_BASE + 1 + i))" -e HIMARI_HEALTH_HOST=127.0.0.1 "$IMAGE"
}
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null || echo gone; }
wait_healthy() {
  local deadline=$(($(date +%s) + ${2:-240}))
  while [ "$(health "$1")" != healthy ]; do
    [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || { docker logs --tail 30 "$1" >&2; fail "$1 exited"; }
    [ "$(date +%s)" -lt "$deadline" ] || { docker logs --tail 30 "$1" >&2; fail "$1 not healthy in time"; }
    sleep 1
  done
}
say "starting the nine actors (nats :$NATS_PORT, redis :$REDIS_PORT, prefix $RUN_ID)"
for i in "${!ACTORS[@]}"; do start_actor "$i"; done
for a in "${ACTORS[@]}"; do wait_healthy "$RUN_ID-$a"; done
say "all nine healthy (image HEALTHCHECK on /healthz)"
pid1="$(docker exec "$RUN_ID-ingestor" cat /proc/1/cmdline | tr '\0' ' ')"
case "$pid1" in /usr/bin/tini*) ;; *) fail "PID 1 is not tini: $pid1" ;; esac

# --- 1,000 items through the containers, one actor killed and restarted mid-stream ---
node -e '
  const fs = require("fs");
  const [src, out, total, id] = process.argv.slice(1);
  const s = fs.readFileSync(src, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const lines = [];
  for (let i = 0; i < Number(total); i++) { const x = s[i % s.length]; lines.push(JSON.stringify({ id: `${id}-${i}`, text: x.text, asset: x.asset, source: "smoke" })); }
  fs.writeFileSync(out, lines.join("\n") + "\n");
' samples/news.jsonl "$WORK/items.jsonl" "$TOTAL" "$RUN_ID"
HIMARI_REDIS_KEY_PREFIX="$KEY_PREFIX" node apps/cli/bin/himari.mjs run --input "$WORK/items.jsonl" --nats "$NATS_URL" --redis "$REDIS_URL" \
  --prefix "$RUN_ID" --external --idle-timeout-ms 120000 --output "$WORK/signals.jsonl" --rejects "$WORK/rejects.jsonl" \
  2>"$WORK/run.log" &
run_pid=$!
applied() { docker exec "$RUN_ID-redis" redis-cli -p "$REDIS_PORT" get "$KEY_PREFIX:stats:applied_count" | tr -d '\r\n' || true; }
kill_at=$((TOTAL * 3 / 10))
while n="$(applied)"; [ "${n:-0}" -lt "$kill_at" ]; do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.2; done
say "applied ${n:-0}: SIGKILL $VICTIM"
docker kill --signal KILL "$RUN_ID-$VICTIM" >/dev/null
docker start "$RUN_ID-$VICTIM" >/dev/null
say "applied $(applied): $VICTIM started again"
wait_healthy "$RUN_ID-$VICTIM"
say "$VICTIM healthy again"
set +e
wait "$run_pid"
run_status=$?
set -e
cat "$WORK/run.log" | tail -2

# --- verdict ---
signals=$(grep -c . "$WORK/signals.jsonl" || true)
rejects=$(grep -c . "$WORK/rejects.jsonl" || true)
unique=$(node -e 'const ids=require("fs").readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean).map((l)=>JSON.parse(l).id);console.log(new Set(ids).size)' "$WORK/signals.jsonl")
final_applied="$(applied)"
features="$(HIMARI_REDIS_KEY_PREFIX="$KEY_PREFIX" node apps/cli/bin/himari.mjs features AAPL --redis "$REDIS_URL")"
status="$(node -e 'console.log(JSON.parse(process.argv[1]).status)' "$features")"
say "run exit $run_status; $signals signals ($unique distinct ids), $rejects rejects; Redis applied $final_applied; features AAPL: $status"
[ "$run_status" -eq 0 ] || fail "himari run exited $run_status"
[ "$signals" -eq "$TOTAL" ] || fail "lost: $signals signals for $TOTAL items"
[ "$unique" -eq "$TOTAL" ] || fail "duplicated: $unique distinct of $signals signals"
[ "$rejects" -eq 0 ] || fail "$rejects rejects: $(head -3 "$WORK/rejects.jsonl")"
[ "$final_applied" -eq "$TOTAL" ] || fail "Redis applied $final_applied signals for $TOTAL items (0 lost, 0 duplicated wanted)"
[ "$status" = ok ] || fail "features AAPL: $features"
echo "smoke: PASSED: $TOTAL items, 0 lost, 0 duplicated, $VICTIM SIGKILLed at $kill_at applied and started again; image ${SIZE_MB} MB; $(($(date +%s) - started)) s"
