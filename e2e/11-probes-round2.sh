#!/usr/bin/env bash
# Scenario 11 (issue 14): the round-2 probe fields through `local` and real kubectl.
# - expect.cel over the openRpc and httpGet replies, and a grpc health probe: Ready means all held;
# - failureWindow: a ui failing every other request is flapping;
# - grpc: NOT_SERVING is Degraded with its text, then restarted;
# - recovery.escalateAfterSeconds: a poisoned rpc handler makes the service Degraded with a Warning
#   Event and status.nextRestartTime, and the server is restarted only after the escalation time;
# - an expect.cel that does not type-check is InvalidSpec naming the field, with CEL's message.
source "$(dirname "$0")/lib.sh"
EXAMPLE="$E2E_ROOT/examples/hero_foundry-probes.yaml"
NAME=hero-foundry-probes
ESCALATE=20

start_local
apply_example_and_wait_ready
log "Ready: both expect.cel expressions and the grpc health check hold"
bound="$(failure_bound rpc)"

log "poisoning the rpc handler: Degraded first, restart only ${ESCALATE}s after the probe failed"
before="$(jp '{.status.restarts}')"
pid="$(process_pid server)"
start_transitions
touch "$(runtime_dir)/server.poison"
line="$(await_transition '^Degraded\|.*empty reply' "$bound")"
log "saw: $line"
degraded_at=$(date +%s)
next="$(jp '{.status.nextRestartTime}')"
[[ -n "$next" ]] || fail "no status.nextRestartTime while the restart is deferred"
log "nextRestartTime: $next"
[[ "$(process_pid server)" == "$pid" ]] || fail "server restarted at once despite escalateAfterSeconds"
events="$(k get events --field-selector "involvedObject.name=$NAME" -o 'jsonpath={range .items[*]}{.type} {.reason}: {.message}{"\n"}{end}')"
grep -q "^Warning ProbeFailed" <<<"$events" || fail "no Warning ProbeFailed Event: $events"
# while the escalation time has not come, nothing is restarted
while (( $(date +%s) < degraded_at + ESCALATE - 8 )); do
  [[ "$(process_pid server)" == "$pid" ]] || fail "server restarted before escalateAfterSeconds"
  sleep 1
done
wait_state Running "$(( ESCALATE + $(ready_bound) + bound ))"
after="$(jp '{.status.restarts}')"
(( after > before )) || fail "restarts did not increase ($before -> $after)"
[[ "$(process_pid server)" != "$pid" ]] || fail "server was not restarted after escalateAfterSeconds"
stop_transitions

log "failureWindow: the ui's /health fails every other request (ui.flaky): flapping, never 3 in a row"
ui_pid="$(process_pid ui)"
start_transitions
touch "$(runtime_dir)/ui.flaky"
line="$(await_transition '^Degraded\|.*probe ui flapping: 3 failures in 20s; last: GET unix:ui.sock/health: HTTP 503' \
  "$(( 3 * 2 * 2 + SLACK ))")"
log "saw: $line"
[[ "$(process_pid ui)" == "$ui_pid" ]] || fail "ui restarted at once despite escalateAfterSeconds"
wait_state Running "$(( ESCALATE + $(ready_bound) + bound ))"
[[ "$(process_pid ui)" != "$ui_pid" ]] || fail "the flapping ui was not restarted after escalateAfterSeconds"
stop_transitions

log "grpc: the api's health service turns NOT_SERVING"
api_pid="$(process_pid api)"
start_transitions
touch "$(runtime_dir)/grpc.notserving"
line="$(await_transition '^Degraded\|.*probe api failed 2 times: grpc unix:grpc.sock service hero.Foundry: gRPC health NOT_SERVING for service hero.Foundry' \
  "$(failure_bound api)")"
log "saw: $line"
wait_state Running "$(( ESCALATE + $(ready_bound) + $(failure_bound api) ))"
[[ "$(process_pid api)" != "$api_pid" ]] || fail "the NOT_SERVING api was not restarted"
stop_transitions

log "an expect.cel that does not type-check: InvalidSpec with CEL's message"
sed -e 's/name: hero-foundry-probes/name: bad-cel/' \
    -e "s/cel: \"result.openrpc.startsWith('1.') \&\& size(result.methods) > 0\"/cel: \"status + 1\"/" \
    "$EXAMPLE" | k apply -f - >/dev/null || fail "kubectl apply of bad-cel failed"
for _ in $(seq 1 60); do
  [[ "$(jp '{.status.reason}' bad-cel 2>/dev/null)" == "InvalidSpec" ]] && break
  sleep 0.5
done
msg="$(jp '{.status.message}' bad-cel)"
log "bad-cel: $(jp '{.status.state} {.status.reason}' bad-cel): $msg"
[[ "$(jp '{.status.state}' bad-cel)" == "Failed" ]] || fail "bad-cel is not Failed"
grep -q "spec.probes\[0\].expect.cel: at 1:8: expected type 'bool' but found 'int'" <<<"$msg" \
  || fail "bad-cel message does not name the field with CEL's message: $msg"
stop_local
log "PASS 11-probes-round2"
