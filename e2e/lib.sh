#!/usr/bin/env bash
# Helpers for the e2e scenarios: start `procservice-operator local` in a scratch dir, drive it only
# through real kubectl (build/tools/bin, v1.31), assert with kubectl wait / -o jsonpath, clean up.
# Against a real cluster (E2E_KUBECONFIG set) nothing is started: see e2e/README.md.
set -euo pipefail

E2E_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
KUBECTL="${KUBECTL:-$E2E_ROOT/build/tools/bin/kubectl}"
JAR="$E2E_ROOT/operator/target/procservice-operator.jar"
DEMO="$E2E_ROOT/examples/bin/hero-foundry-demo"
EXAMPLE="$E2E_ROOT/examples/hero_foundry.yaml"
NAME=hero-foundry
# Extra seconds on every time bound: JVM start-up of the demo processes on a busy 2-core machine.
SLACK="${E2E_SLACK:-20}"

WORK=""
LOCAL_PID=""
TRANSITIONS_PID=""

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "FAIL: $*"; dump; exit 1; }

k() { KUBECONFIG="$WORK/kubeconfig" "$KUBECTL" "$@"; }

# Starts local with the demo allow-listed; no manifests (scenarios apply them with kubectl).
# With E2E_KUBECONFIG set, runs the operator (`run --process-runtime`) on this machine against that
# cluster instead: the same scenarios, with the processes local and the API real.
start_local() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/procservice-e2e.XXXXXX")"
  # run.sh reaps what is left under this dir if the scenario is killed before its own cleanup
  if [[ -n "${E2E_WORK_FILE:-}" ]]; then echo "$WORK" >"$E2E_WORK_FILE"; fi
  if [[ -n "${E2E_KUBECONFIG:-}" ]]; then
    start_operator_on_cluster
    return
  fi
  trap cleanup EXIT
  launch_local --allow-exec "$DEMO" "$@"
}

# Scenarios that restart local, kill it or run two need the embedded API: skip them on a cluster.
local_only() {
  if [[ -n "${E2E_KUBECONFIG:-}" ]]; then
    log "SKIP $(basename "$0" .sh): needs procservice local (restarts, locks or kills it)"
    exit 0
  fi
}

# (Re)starts local in $WORK with the given arguments (same state dir and kubeconfig each time).
# The first run writes local.out/local.err, the next ones local-N.out/local-N.err ($LOCAL_OUT).
LOCAL_RUN=0
launch_local() {
  LOCAL_RUN=$((LOCAL_RUN + 1))
  local suffix=""
  [[ $LOCAL_RUN -eq 1 ]] || suffix="-$LOCAL_RUN"
  LOCAL_OUT="$WORK/local$suffix.out"
  LOCAL_ERR="$WORK/local$suffix.err"
  log "starting procservice local in $WORK (run $LOCAL_RUN)"
  (
    cd "$WORK"
    export PATH="$E2E_ROOT/examples/bin:$PATH"
    exec java -jar "$JAR" local --port 0 --http-port 0 --kubeconfig "$WORK/kubeconfig" --state-dir "$WORK/state" \
      --log-format json "$@" >"$LOCAL_OUT" 2>"$LOCAL_ERR"
  ) &
  LOCAL_PID=$!
  local i
  for i in $(seq 1 120); do
    if grep -q "Running; press Ctrl-C" "$LOCAL_OUT" 2>/dev/null; then
      log "local is up (pid $LOCAL_PID), $(grep -o 'http://127.0.0.1:[0-9]*' "$LOCAL_OUT" | head -1)"
      return 0
    fi
    kill -0 "$LOCAL_PID" 2>/dev/null || fail "local exited during start-up"
    sleep 0.5
  done
  fail "local did not start within 60s"
}

start_operator_on_cluster() {
  cp "$E2E_KUBECONFIG" "$WORK/kubeconfig"
  log "real cluster: $(k config current-context); installing the CRD, running the operator here"
  k apply -f "$E2E_ROOT/crds/" -f "$E2E_ROOT/deploy/validating-admission-policy.yaml" >/dev/null \
    || fail "cannot install the CRD and its ValidatingAdmissionPolicy"
  k wait --for=condition=Established crd/procservices.hero.ourworld.tf --timeout=60s >/dev/null || true
  # The operator may run as another identity than kubectl (e.g. the ServiceAccount of deploy/):
  # E2E_OPERATOR_KUBECONFIG; every 403 it meets then fails the scenario (stop_local).
  cp "${E2E_OPERATOR_KUBECONFIG:-$E2E_KUBECONFIG}" "$WORK/operator.kubeconfig"
  (
    cd "$WORK"
    export PATH="$E2E_ROOT/examples/bin:$PATH" KUBECONFIG="$WORK/operator.kubeconfig"
    exec java -jar "$JAR" run --process-runtime --allow-exec "$DEMO" --state-dir "$WORK/state" \
      --namespaces default --http-port 0 --log-format json >"$WORK/local.out" 2>"$WORK/local.err"
  ) &
  LOCAL_PID=$!
  trap cleanup EXIT
  local i
  for i in $(seq 1 120); do
    grep -q "Operator started" "$WORK/local.out" 2>/dev/null && return 0
    kill -0 "$LOCAL_PID" 2>/dev/null || fail "the operator exited during start-up"
    sleep 0.5
  done
  fail "the operator did not start within 60s"
}

# Stops local with SIGTERM; it must exit 0 and leave no demo process behind.
stop_local() {
  [[ -n "$LOCAL_PID" ]] || return 0
  stop_transitions
  if [[ -n "${E2E_KUBECONFIG:-}" ]]; then
    # `run` leaves processes for adoption by its next start: delete what the scenario made first.
    # All of them, while the operator still runs to remove its finalizer: one left behind would hold
    # the CRD in Terminating when the install test deletes it.
    k delete psvc --all -n default --ignore-not-found --timeout=60s >/dev/null 2>&1 || true
  fi
  log "stopping local (SIGTERM)"
  kill -TERM "$LOCAL_PID"
  local rc=0
  wait "$LOCAL_PID" || rc=$?
  LOCAL_PID=""
  [[ $rc -eq 0 ]] || fail "local exited with $rc after SIGTERM, expected 0"
  if [[ -n "${E2E_KUBECONFIG:-}" ]] && grep -aiE 'forbidden|"code" *: *403' "$WORK/local.out" "$WORK/local.err" >/dev/null 2>&1; then
    fail "the operator was refused by RBAC (403): $(grep -aihE 'forbidden|"code" *: *403' "$WORK/local.out" "$WORK/local.err" | head -3 | cut -c1-400)"
  fi
  local left
  left="$(demo_pids)"
  [[ -z "$left" ]] || fail "demo processes left running after local stopped: $left"
  log "local stopped cleanly, no process left"
}

cleanup() {
  local rc=$?
  stop_transitions
  if [[ -n "$LOCAL_PID" ]] && kill -0 "$LOCAL_PID" 2>/dev/null; then
    kill -TERM "$LOCAL_PID" 2>/dev/null || true
    wait "$LOCAL_PID" 2>/dev/null || true
  fi
  local p
  for p in $(demo_pids); do kill -KILL "$p" 2>/dev/null || true; done
  if [[ $rc -eq 0 && -n "$WORK" && -z "${E2E_KEEP:-}" ]]; then
    rm -rf "$WORK"
  elif [[ -n "$WORK" ]]; then
    log "kept $WORK for inspection"
  fi
}

# PIDs of demo processes started by this scenario's local (their cwd is under its state dir).
# Reads /proc directly: pgrep (procps) is not on every fresh machine.
demo_pids() {
  [[ -n "$WORK" ]] || return 0
  local d p cwd
  for d in /proc/[0-9]*; do
    p="${d#/proc/}"
    grep -qa HeroFoundryDemo "$d/cmdline" 2>/dev/null || continue
    cwd="$(readlink "$d/cwd" 2>/dev/null || true)"
    if [[ "$cwd" == "$WORK"/* ]]; then
      printf '%s ' "$p"
    fi
  done
}

# quoted_in_readme MESSAGE: the README's "Why" quotes the status message a seed incident shows;
# fails when it quotes something else (its quotes must stay true).
quoted_in_readme() {
  local msg="$1"
  grep -v '^$' "$E2E_ROOT/README.md" | tr '\n' ' ' | sed 's/  */ /g' | grep -qF "\`$msg\`" \
    || fail "README.md does not quote the message as it is: \`$msg\`"
}

# Everything local and the operator printed or logged: the console, and the log file of local.
all_logs() {
  cat "$WORK"/local*.out "$WORK"/local*.err "$WORK/state/operator.log" 2>/dev/null || true
}

runtime_dir() { echo "$WORK/state/${1:-default}/${2:-$NAME}"; }

jp() { k get psvc "${2:-$NAME}" -o "jsonpath=$1"; }

# Records every status change of a service, one line: state|reason|restarts|probesReady|message
start_transitions() {
  k get psvc "${1:-$NAME}" -w -o 'jsonpath={.status.state}|{.status.reason}|{.status.restarts}|{.status.probesReady}|{.status.message}{"\n"}' \
    >"$WORK/transitions.log" 2>&1 &
  TRANSITIONS_PID=$!
}

stop_transitions() {
  if [[ -n "$TRANSITIONS_PID" ]]; then
    kill "$TRANSITIONS_PID" 2>/dev/null || true
    wait "$TRANSITIONS_PID" 2>/dev/null || true
    TRANSITIONS_PID=""
  fi
}

# await_transition REGEX SECONDS: waits until a recorded transition line matches.
await_transition() {
  local regex="$1" secs="$2" i
  for i in $(seq 1 $((secs * 2))); do
    if grep -aEq "$regex" "$WORK/transitions.log" 2>/dev/null; then
      grep -aE "$regex" "$WORK/transitions.log" | head -1
      return 0
    fi
    sleep 0.5
  done
  fail "no transition matching /$regex/ within ${secs}s"
}

# await_event REASON REGEX SECONDS: waits until an Event of the service with that reason has a
# message matching REGEX; prints the message.
await_event() {
  local reason="$1" regex="$2" secs="$3" i msgs
  for i in $(seq 1 $((secs * 2))); do
    msgs="$(k get events --field-selector "involvedObject.name=$NAME,reason=$reason" \
      -o 'jsonpath={range .items[*]}{.message}{"\n"}{end}' 2>/dev/null || true)"
    if grep -aEq "$regex" <<<"$msgs"; then
      grep -aE "$regex" <<<"$msgs" | head -1
      return 0
    fi
    sleep 0.5
  done
  fail "no $reason Event matching /$regex/ within ${secs}s"
}

# wait_state STATE SECONDS [NAME]
wait_state() {
  k wait --for="jsonpath={.status.state}=$1" "psvc/${3:-$NAME}" --timeout="${2}s" >/dev/null \
    || fail "psvc/${3:-$NAME} not $1 within ${2}s (state: $(jp '{.status.state} {.status.reason}: {.status.message}' "${3:-$NAME}" 2>&1))"
}

# Largest initialDelay + period*successThreshold + timeout over the service's probes: how long a
# healthy service needs to show Ready once its processes are up.
ready_bound() {
  local worst=0 d p t s line
  while read -r d p t s; do
    [[ -n "$p" ]] || continue
    line=$(( ${d:-0} + ${p:-10} * ${s:-1} + ${t:-1} ))
    (( line > worst )) && worst=$line
  done < <(jp '{range .spec.probes[*]}{.initialDelaySeconds} {.periodSeconds} {.timeoutSeconds} {.successThreshold}{"\n"}{end}' "${1:-$NAME}")
  echo $(( worst + SLACK ))
}

# failureThreshold*period + timeout of one probe, plus slack: how long a failure may take to show.
failure_bound() {
  local probe="$1" f p t
  read -r f p t < <(jp "{range .spec.probes[?(@.name==\"$probe\")]}{.failureThreshold} {.periodSeconds} {.timeoutSeconds}{end}")
  echo $(( ${f:-3} * ${p:-10} + ${t:-1} + SLACK ))
}

apply_example_and_wait_ready() {
  k apply -f "$EXAMPLE" >/dev/null || fail "kubectl apply -f $EXAMPLE failed"
  local bound
  bound="$(ready_bound)"
  log "waiting for Ready (bound ${bound}s from the probe settings + ${SLACK}s start-up slack)"
  k wait --for=condition=Ready "psvc/$NAME" --timeout="${bound}s" >/dev/null \
    || fail "psvc/$NAME not Ready within ${bound}s"
  [[ "$(jp '{.status.state}')" == "Running" ]] || fail "Ready but state is $(jp '{.status.state}')"
}

process_pid() { jp "{.status.processes[?(@.name==\"$1\")].pid}"; }

dump() {
  [[ -n "$WORK" && -d "$WORK" ]] || return 0
  log "---- kubectl get psvc -o wide"
  k get psvc -A -o wide >&2 2>/dev/null || true
  log "---- transitions"
  tail -n 20 "$WORK/transitions.log" >&2 2>/dev/null || true
  local f
  for f in "$WORK"/local*.out "$WORK"/local*.err "$WORK/state/operator.log"; do
    [[ -f "$f" ]] || continue
    log "---- $(basename "$f") (tail)"
    grep -v " DEBUG " "$f" 2>/dev/null | tail -n 30 | cut -c1-400 >&2 || true
  done
}
