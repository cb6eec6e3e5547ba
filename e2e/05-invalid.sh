#!/usr/bin/env bash
# Scenario 5: an invalid ProcService -> Failed/InvalidSpec; a malformed or schema-invalid manifest ->
# a clear kubectl error; the running service is not disturbed by any of them.
source "$(dirname "$0")/lib.sh"
start_local
apply_example_and_wait_ready
pids_before="$(process_pid server) $(process_pid ui)"
restarts_before="$(jp '{.status.restarts}')"

k apply -f "$E2E_ROOT/e2e/manifests/invalid-probe-target.yaml" >/dev/null || fail "kubectl apply of the invalid ProcService failed"
wait_state Failed 30 broken-probe
[[ "$(jp '{.status.reason}' broken-probe)" == "InvalidSpec" ]] || fail "reason is $(jp '{.status.reason}' broken-probe), want InvalidSpec"
log "invalid: $(jp '{.status.message}' broken-probe)"
[[ "$(jp '{.status.message}' broken-probe)" == *'no port named "admin"'* ]] || fail "Failed without the reason: $(jp '{.status.message}' broken-probe)"

# Refused on a real API server by the spec rules' ValidatingAdmissionPolicy (deploy/); stored by
# local's embedded API (no admission policies) and then reported Failed / InvalidSpec by the
# operator. Either way it never runs.
if out="$(k apply -f "$E2E_ROOT/e2e/manifests/missing-process.yaml" 2>&1)"; then
  wait_state Failed 30 missing-process
  [[ "$(jp '{.status.reason}' missing-process)" == "InvalidSpec" ]] || fail "missing-process: reason $(jp '{.status.reason}' missing-process)"
  log "missing-process stored (no admission policy here), operator: $(jp '{.status.message}' missing-process)"
  k delete psvc missing-process --timeout=60s >/dev/null || fail "cannot delete missing-process"
else
  grep -q "probe.process must name a process of spec.processes" <<<"$out" \
    || fail "missing-process refused without the rule's message: $out"
  log "missing-process refused by the API: $out"
fi

if out="$(k apply -f "$E2E_ROOT/e2e/manifests/malformed.yaml" 2>&1)"; then
  fail "kubectl accepted a malformed manifest: $out"
fi
grep -q "malformed.yaml" <<<"$out" || fail "kubectl's error does not name the file: $out"
log "malformed: $out"

if out="$(k apply -f "$E2E_ROOT/e2e/manifests/schema-invalid.yaml" 2>&1)"; then
  fail "kubectl accepted a schema-invalid manifest: $out"
fi
grep -q "spec.runtime" <<<"$out" && grep -q "periodSeconds" <<<"$out" \
  || fail "kubectl's error does not name the invalid fields: $out"
k get psvc schema-invalid >/dev/null 2>&1 && fail "the schema-invalid ProcService was stored"
log "schema-invalid: $out"

[[ "$(jp '{.status.state}')" == "Running" ]] || fail "$NAME disturbed: $(jp '{.status.state}')"
[[ "$(process_pid server) $(process_pid ui)" == "$pids_before" ]] || fail "$NAME processes were restarted"
[[ "$(jp '{.status.restarts}')" == "$restarts_before" ]] || fail "$NAME restarts changed"
stop_local
log "PASS 05-invalid"
