#!/usr/bin/env bash
# Scenario 4: suspend -> Stopped, processes gone; resume -> Running; delete -> processes gone.
source "$(dirname "$0")/lib.sh"
start_local
apply_example_and_wait_ready
grace="$(jp '{.spec.stopGracePeriodSeconds}')"
k patch psvc "$NAME" --type=merge -p '{"spec":{"suspend":true}}' >/dev/null
wait_state Stopped "$(( grace + SLACK ))"
k wait --for="jsonpath={.status.reason}=Suspended" "psvc/$NAME" --timeout=15s >/dev/null \
  || fail "reason is $(jp '{.status.reason}'), want Suspended"
[[ -z "$(demo_pids)" ]] || fail "processes still running while suspended: $(demo_pids)"
k patch psvc "$NAME" --type=merge -p '{"spec":{"suspend":false}}' >/dev/null
wait_state Running "$(ready_bound)"
[[ -n "$(demo_pids)" ]] || fail "no process running after resume"
k delete psvc "$NAME" --timeout="$(( grace + SLACK ))s" >/dev/null || fail "delete did not finish"
k get psvc "$NAME" >/dev/null 2>&1 && fail "psvc/$NAME still exists after delete"
for _ in $(seq 1 $(( (grace + SLACK) * 2 ))); do
  [[ -z "$(demo_pids)" ]] && break
  sleep 0.5
done
[[ -z "$(demo_pids)" ]] || fail "processes left after delete: $(demo_pids)"
stop_local
log "PASS 04-suspend-delete"
