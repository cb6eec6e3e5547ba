#!/usr/bin/env bash
# Scenario 1: apply the example -> Ready within a bound derived from its probe settings.
source "$(dirname "$0")/lib.sh"
start_local
apply_example_and_wait_ready
[[ "$(jp '{.status.probesReady}')" == "2/2" ]] || fail "probesReady is $(jp '{.status.probesReady}'), want 2/2"
k get psvc "$NAME" | grep -Eq "^$NAME +Running +2/2 +0 +AllProbesPassing" || fail "kubectl get shows: $(k get psvc "$NAME")"
[[ -S "$(runtime_dir)/rpc.sock" && -S "$(runtime_dir)/ui.sock" ]] || fail "sockets missing in $(runtime_dir)"
stop_local
log "PASS 01-ready"
