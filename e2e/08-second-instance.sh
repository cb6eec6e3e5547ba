#!/usr/bin/env bash
# Scenario 8: a second local on the same state dir is refused at once, naming the first (pid, port)
# and what to do; the first keeps its kubeconfig, its processes and its state.
source "$(dirname "$0")/lib.sh"
local_only
start_local
apply_example_and_wait_ready
kubeconfig_before="$(cat "$WORK/kubeconfig")"
pids="$(process_pid server) $(process_pid ui)"
port="$(grep -o 'http://127.0.0.1:[0-9]*' "$LOCAL_OUT" | head -1)"
rc=0
( cd "$WORK" && export PATH="$E2E_ROOT/examples/bin:$PATH" && exec timeout 60 java -jar "$JAR" local --port 0 \
    --kubeconfig "$WORK/kubeconfig" --state-dir "$WORK/state" "$EXAMPLE" >"$WORK/second.out" 2>"$WORK/second.err" ) || rc=$?
[[ $rc -eq 1 ]] || fail "the second instance exited with $rc, want 1 (refused)"
grep -q "another procservice local already runs on state dir" "$WORK/second.err" || fail "no refusal: $(cat "$WORK/second.err")"
grep -q "pid $LOCAL_PID" "$WORK/second.err" || fail "the refusal does not name pid $LOCAL_PID: $(cat "$WORK/second.err")"
grep -q "API on $port" "$WORK/second.err" || fail "the refusal does not name $port: $(cat "$WORK/second.err")"
grep -q -- "--state-dir" "$WORK/second.err" && grep -q -- "--kubeconfig" "$WORK/second.err" || fail "the refusal does not say what to do"
[[ "$(cat "$WORK/kubeconfig")" == "$kubeconfig_before" ]] || fail "the kubeconfig was rewritten"
[[ "$(process_pid server) $(process_pid ui)" == "$pids" ]] || fail "the processes changed: $pids -> $(process_pid server) $(process_pid ui)"
[[ "$(jp '{.status.state} {.status.restarts}')" == "Running 0" ]] || fail "the first instance's service: $(jp '{.status.state} {.status.restarts}')"
stop_local
log "PASS 08-second-instance"
