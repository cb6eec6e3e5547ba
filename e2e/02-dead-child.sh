#!/usr/bin/env bash
# Scenario 2 (seed incident 1): the ui process dies -> Degraded naming it, then restarted -> Running.
source "$(dirname "$0")/lib.sh"
start_local
apply_example_and_wait_ready
before="$(jp '{.status.restarts}')"
pid="$(process_pid ui)"
[[ -n "$pid" ]] || fail "no pid for process ui in status"
start_transitions
bound="$(failure_bound ui)"
log "killing ui (pid $pid); Degraded expected within ${bound}s"
kill -KILL "$pid"
line="$(await_transition '^Degraded\|' "$bound")"
log "saw: $line"
grep -Eq '^Degraded\|[^|]*\|[^|]*\|[^|]*\|.*(ui|ui\.sock)' <<<"$line" || fail "Degraded message names neither ui nor ui.sock: $line"
quoted_in_readme "${line##*|}"
wait_state Running "$(ready_bound)"
after="$(jp '{.status.restarts}')"
(( after > before )) || fail "restarts did not increase ($before -> $after)"
newpid="$(process_pid ui)"
[[ -n "$newpid" && "$newpid" != "$pid" ]] || fail "ui was not restarted (pid $pid -> $newpid)"
stop_local
log "PASS 02-dead-child"
