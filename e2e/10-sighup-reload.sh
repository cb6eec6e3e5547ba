#!/usr/bin/env bash
# Scenario 10: the allow-list comes from --config; a service refused with CommandNotAllowed (its
# message saying how to allow it) starts after the file allows it and local gets SIGHUP.
source "$(dirname "$0")/lib.sh"
local_only
WORK="$(mktemp -d "${TMPDIR:-/tmp}/procservice-e2e.XXXXXX")"
if [[ -n "${E2E_WORK_FILE:-}" ]]; then echo "$WORK" >"$E2E_WORK_FILE"; fi
trap cleanup EXIT
true_path="$(readlink -f "$(type -P true)")"
printf 'allowExec: [%s]\n' "$true_path" >"$WORK/local.yaml"
launch_local --config "$WORK/local.yaml"
k apply -f "$EXAMPLE" >/dev/null || fail "apply failed"
k wait --for=jsonpath='{.status.reason}'=CommandNotAllowed "psvc/$NAME" --timeout="$(( 10 + SLACK ))s" >/dev/null \
  || fail "not CommandNotAllowed: $(jp '{.status.state} {.status.reason}: {.status.message}')"
msg="$(jp '{.status.message}')"
grep -q "allowExec in $WORK/local.yaml" <<<"$msg" || fail "the message does not name the config file: $msg"
grep -q "kill -HUP $LOCAL_PID" <<<"$msg" || fail "the message does not say kill -HUP $LOCAL_PID: $msg"
grep -q -- "--allow-exec" <<<"$msg" || fail "the message does not name --allow-exec: $msg"
[[ -z "$(demo_pids)" ]] || fail "a refused command runs: $(demo_pids)"
printf 'allowExec: [%s, %s]\n' "$true_path" "$(readlink -f "$DEMO")" >"$WORK/local.yaml"
kill -HUP "$LOCAL_PID"
k wait --for=condition=Ready "psvc/$NAME" --timeout="$(ready_bound)s" >/dev/null \
  || fail "not Ready after the reload: $(jp '{.status.state} {.status.reason}: {.status.message}')"
grep -q "Reloaded $WORK/local.yaml" "$LOCAL_OUT" || fail "no 'Reloaded' line"
kill -0 "$LOCAL_PID" || fail "local did not survive SIGHUP"
stop_local
log "PASS 10-sighup-reload"
