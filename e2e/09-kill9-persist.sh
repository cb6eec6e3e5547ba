#!/usr/bin/env bash
# Scenario 9: kill -9 right after a burst of 50 `kubectl apply`: every acknowledged object is there
# after the restart, with its uid, and resourceVersions go on increasing.
source "$(dirname "$0")/lib.sh"
local_only
start_local
: >"$WORK/uids"
for i in $(seq 1 50); do
  printf 'apiVersion: hero.ourworld.tf/v1alpha1\nkind: ProcService\nmetadata: {name: burst-%s}\nspec:\n  runtime: Process\n  suspend: true\n  processes:\n  - {name: main, command: [hero-foundry-demo, server]}\n' "$i" \
    | k apply -o 'jsonpath={.metadata.name} {.metadata.uid} {.metadata.resourceVersion}{"\n"}' -f - >>"$WORK/uids" \
    || fail "apply $i failed"
done
kill -KILL "$LOCAL_PID"; wait "$LOCAL_PID" 2>/dev/null || true; LOCAL_PID=""
log "killed local (SIGKILL) right after 50 applies"
max_rv="$(awk '{print $3}' "$WORK/uids" | sort -n | tail -1)"
launch_local --allow-exec "$DEMO"
k get psvc -o 'jsonpath={range .items[*]}{.metadata.name} {.metadata.uid}{"\n"}{end}' | grep '^burst-' | sort >"$WORK/uids.after"
n="$(wc -l <"$WORK/uids.after")"
[[ "$n" -eq 50 ]] || fail "$n of 50 ProcServices after the restart"
diff <(awk '{print $1, $2}' "$WORK/uids" | sort) "$WORK/uids.after" >/dev/null || fail "uids changed: $(diff <(awk '{print $1, $2}' "$WORK/uids" | sort) "$WORK/uids.after" | head -4)"
rv="$(k create configmap after-restart -o 'jsonpath={.metadata.resourceVersion}')"
(( rv > max_rv )) || fail "resourceVersion $rv after the restart is not above $max_rv"
stop_local
log "PASS 09-kill9-persist"
