#!/usr/bin/env bash
# Scenario 7: a clean stop is recorded as a stop. Apply with kubectl, stop local (SIGTERM), start it
# again: the ProcService applied with kubectl is still there (same uid), its processes start afresh
# (new pids), same RESTARTS, no ProcessExited anywhere.
source "$(dirname "$0")/lib.sh"
local_only
start_local
apply_example_and_wait_ready
uid="$(jp '{.metadata.uid}')"
restarts="$(jp '{.status.restarts}')"
old_pids="$(process_pid server) $(process_pid ui)"
stop_local
grep -q '"phase" : "Running"' "$(runtime_dir)/state.json" && fail "state.json still says Running after a clean stop"
trap cleanup EXIT
launch_local --allow-exec "$DEMO"
start_transitions
# The status kept from the previous run names the old pids until the operator has started new ones.
for _ in $(seq 1 $(( $(ready_bound) * 2 ))); do
  server="$(process_pid server)"; ui="$(process_pid ui)"
  [[ -n "$server" && -n "$ui" && "$server $ui" != "$old_pids" ]] && break
  sleep 0.5
done
[[ "$server $ui" != "$old_pids" ]] || fail "the processes were not started again (pids $server $ui)"
k wait --for=condition=Ready "psvc/$NAME" --timeout="$(ready_bound)s" >/dev/null || fail "not Ready after the restart"
[[ "$(jp '{.metadata.uid}')" == "$uid" ]] || fail "uid changed: $uid -> $(jp '{.metadata.uid}')"
[[ "$(jp '{.status.restarts}')" == "$restarts" ]] || fail "RESTARTS $restarts -> $(jp '{.status.restarts}') after a clean stop"
grep -aq "ProcessExited" "$WORK/transitions.log" && fail "ProcessExited after a clean stop: $(grep -a ProcessExited "$WORK/transitions.log" | head -1)"
[[ -z "$(k get events --field-selector reason=ProcessExited -o name)" ]] || fail "a ProcessExited Event after a clean stop"
[[ -z "$(k get events --field-selector reason=Restarting -o name)" ]] || fail "a Restarting Event after a clean stop"
stop_local
log "PASS 07-clean-stop"
