#!/usr/bin/env bash
# Scenario 6: a fresh clone's first `./procservice local examples/hero_foundry.yaml` (README's first
# command) shows Running with RESTARTS 0 and no crash, prints the table (glyphs, no log lines: those
# go to <state-dir>/operator.log), and leaves `git status` clean.
source "$(dirname "$0")/lib.sh"
local_only
command -v git >/dev/null || { log "SKIP 06-fresh-clone: no git"; exit 0; }
git -C "$E2E_ROOT" rev-parse --git-dir >/dev/null 2>&1 || { log "SKIP 06-fresh-clone: not a git checkout"; exit 0; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/procservice-e2e.XXXXXX")"
if [[ -n "${E2E_WORK_FILE:-}" ]]; then echo "$WORK" >"$E2E_WORK_FILE"; fi
trap cleanup EXIT
git clone -q "$E2E_ROOT" "$WORK/clone" || fail "git clone failed"
clone="$WORK/clone"
[[ ! -e "$clone/.procservice" ]] || fail "the clone carries .procservice/: $(cd "$clone" && git ls-files .procservice | head -3)"
# The jar of this build stands in for the clone's first build (newer than its sources: not rebuilt);
# E2E_BUILD_CLONE=1 lets ./procservice build it in the clone, as on a new machine (a minute or more).
if [[ -z "${E2E_BUILD_CLONE:-}" ]]; then
  mkdir -p "$clone/operator/target" && cp "$JAR" "$clone/operator/target/procservice-operator.jar"
fi
(
  cd "$clone"
  exec ./procservice local --port 0 --http-port 0 examples/hero_foundry.yaml >"$WORK/local.out" 2>"$WORK/local.err"
) &
LOCAL_PID=$!
for _ in $(seq 1 $(( ${E2E_BUILD_CLONE:+480} + 120 ))); do
  grep -q "Running; press Ctrl-C" "$WORK/local.out" 2>/dev/null && break
  kill -0 "$LOCAL_PID" 2>/dev/null || fail "local exited during start-up"
  sleep 0.5
done
grep -q "Running; press Ctrl-C" "$WORK/local.out" || fail "local did not start in time"
cp "$clone/.procservice/kubeconfig" "$WORK/kubeconfig"
k wait --for=condition=Ready "psvc/$NAME" --timeout="$(ready_bound)s" >/dev/null || fail "psvc/$NAME not Ready"
[[ "$(jp '{.status.state} {.status.restarts}')" == "Running 0" ]] || fail "want Running with 0 restarts, got $(jp '{.status.state} {.status.restarts}')"
events="$(k get events -o 'jsonpath={range .items[*]}{.reason}{"\n"}{end}')"
grep -q "ProcessExited" <<<"$events" && fail "a fresh start reported a crash: $events"
grep -q "● Running" "$WORK/local.out" || fail "the table does not show '● Running'"
grep -Eq '^[0-9:.]+ (INFO|WARN|ERROR) ' "$WORK/local.out" && fail "log lines mixed into the table: $(grep -Ec '^[0-9:.]+ (INFO|WARN|ERROR) ' "$WORK/local.out")"
[[ -s "$clone/.procservice/state/operator.log" ]] || fail "no .procservice/state/operator.log"
grep -q "Cannot report a status transition" "$clone/.procservice/state/operator.log" && fail "Cannot report a status transition logged"
grep -q $'\e\[' "$WORK/local.out" "$WORK/local.err" && fail "escape codes in the output"
dirty="$(git -C "$clone" status --porcelain)"
[[ -z "$dirty" ]] || fail "running it left git status dirty: $dirty"
kill -TERM "$LOCAL_PID"; rc=0; wait "$LOCAL_PID" || rc=$?; LOCAL_PID=""
[[ $rc -eq 0 ]] || fail "local exited with $rc after SIGTERM"
[[ -z "$(demo_pids)" ]] || fail "demo processes left: $(demo_pids)"
log "PASS 06-fresh-clone"
