#!/usr/bin/env bash
# Scenario 3 (seed incident 2): the rpc handler answers with empty replies while rpc.sock accepts.
# recovery.action Restart -> Degraded "empty reply", restarted, Running.
# recovery.action Warn    -> Degraded "empty reply", no restart, an Event and a probe_failed log line.
source "$(dirname "$0")/lib.sh"

# Sum of the counts of the service's ProbeFailed Events (a repeat bumps count, a new one adds one).
probe_failed_events() {
  local total=0 c
  for c in $(k get events --field-selector "involvedObject.name=$NAME,reason=ProbeFailed" -o 'jsonpath={range .items[*]}{.count}{" "}{end}'); do
    total=$(( total + ${c:-1} ))
  done
  echo "$total"
}
start_local
apply_example_and_wait_ready
bound="$(failure_bound rpc)"

log "Restart: poisoning the rpc handler"
before="$(jp '{.status.restarts}')"
pid="$(process_pid server)"
start_transitions
touch "$(runtime_dir)/server.poison"
# Restarted as soon as the probe crosses its threshold: the Restarting Event says why.
msg="$(await_event Restarting '^Restarting server: .*empty reply' "$bound")"
log "saw: $msg"
quoted_in_readme "$msg"
wait_state Running "$(( $(ready_bound) + bound ))"
after="$(jp '{.status.restarts}')"
(( after > before )) || fail "restarts did not increase ($before -> $after)"
[[ "$(process_pid server)" != "$pid" ]] || fail "server was not restarted"
[[ ! -e "$(runtime_dir)/server.poison" ]] || fail "the restarted server should have cleared its poison file"
stop_transitions

log "Warn: switching recovery.action to Warn"
k patch psvc "$NAME" --type=merge -p '{"spec":{"recovery":{"action":"Warn"}}}' >/dev/null
gen="$(jp '{.metadata.generation}')"
k wait --for="jsonpath={.status.observedGeneration}=$gen" "psvc/$NAME" --timeout=30s >/dev/null \
  || fail "operator did not observe generation $gen"
wait_state Running "$(ready_bound)"
before="$(jp '{.status.restarts}')"
pid="$(process_pid server)"
events_before="$(probe_failed_events)"
start_transitions
touch "$(runtime_dir)/server.poison"
line="$(await_transition '^Degraded\|.*empty reply' "$bound")"
log "saw: $line"
quoted_in_readme "${line##*|}"
# Stay Degraded, without a restart, for two more failure windows.
sleep_until=$(( $(date +%s) + 2 * bound - 2 * SLACK ))
while (( $(date +%s) < sleep_until )); do
  [[ "$(jp '{.status.state}')" == "Degraded" ]] || fail "Warn: state left Degraded: $(jp '{.status.state} {.status.reason}')"
  sleep 1
done
[[ "$(jp '{.status.restarts}')" == "$before" ]] || fail "Warn: restarts changed ($before -> $(jp '{.status.restarts}'))"
[[ "$(process_pid server)" == "$pid" ]] || fail "Warn: server was restarted"
kill -0 "$pid" || fail "Warn: server process $pid is gone"
events="$(k get events --field-selector "involvedObject.name=$NAME" -o 'jsonpath={range .items[*]}{.reason}: {.message}{"\n"}{end}')"
log "events: $(tr '\n' ';' <<<"$events")"
grep -q "ProbeFailed" <<<"$events" || fail "no ProbeFailed Event for $NAME"
for _ in $(seq 1 20); do
  (( $(probe_failed_events) > events_before )) && break
  sleep 0.5
done
(( $(probe_failed_events) > events_before )) || fail "Warn: no new ProbeFailed Event (count still $events_before)"
all_logs | grep -a "probe_failed" | grep -q "empty reply" \
  || fail "no probe_failed log line with 'empty reply'"
all_logs | grep -a "probe_failed" | grep "empty reply" | head -1 | grep -q '^{' \
  || fail "the probe_failed log line is not JSON"
log "Warn: removing the poison: back to Running without a restart"
rm -f "$(runtime_dir)/server.poison"
wait_state Running "$(ready_bound)"
[[ "$(jp '{.status.restarts}')" == "$before" ]] || fail "Warn: restarts changed on recovery"
stop_local
log "PASS 03-empty-reply"
