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
# The operator restarts a dead child at once (the first restart after a stable period), so the
# status may go straight to Starting/Restarting; the Restarting Event always names it and why.
msg="$(await_event Restarting '^Restarting ui: ' "$bound")"
log "saw: $msg"
grep -Eq 'ui|ui\.sock' <<<"${msg#Restarting ui: }" || fail "the restart's reason names neither ui nor ui.sock: $msg"
# README writes the state dir as <state-dir> (the log file's path is in the message)
quoted_in_readme "${msg//$WORK\/state/<state-dir>}"
wait_state Running "$(ready_bound)"
after="$(jp '{.status.restarts}')"
(( after > before )) || fail "restarts did not increase ($before -> $after)"
newpid="$(process_pid ui)"
[[ -n "$newpid" && "$newpid" != "$pid" ]] || fail "ui was not restarted (pid $pid -> $newpid)"
stop_local
log "PASS 02-dead-child"
