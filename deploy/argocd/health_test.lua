-- Runs health.lua against sample ProcService statuses, the way Argo CD does (obj as a global).
-- Usage: lua5.4 deploy/argocd/health_test.lua   (scripts/test-argocd-health.sh)
local dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local script = dir .. "/health.lua"

local function cond(type, status, reason, gen)
  return {type = type, status = status, reason = reason or type, message = "", observedGeneration = gen or 3,
          lastTransitionTime = "2026-11-28T02:00:00Z"}
end

local function svc(generation, status)
  return {apiVersion = "hero.ourworld.tf/v1alpha1", kind = "ProcService",
          metadata = {name = "hero-foundry", namespace = "hero", generation = generation}, status = status}
end

local cases = {
  {name = "no status yet", obj = svc(1, nil), want = "Progressing", msg = "Waiting for the operator"},
  {name = "status without state", obj = svc(1, {conditions = {}}), want = "Progressing"},
  {name = "starting", want = "Progressing", msg = "ProcessesStarting",
   obj = svc(3, {observedGeneration = 3, state = "Starting", reason = "ProcessesStarting", message = "Waiting for probes",
                 conditions = {cond("Ready", "False"), cond("Degraded", "False"), cond("Reconciling", "True"), cond("Stalled", "False")}})},
  {name = "running", want = "Healthy", msg = "AllProbesPassing",
   obj = svc(3, {observedGeneration = 3, state = "Running", reason = "AllProbesPassing", message = "2/2 probes passing",
                 conditions = {cond("Ready", "True"), cond("Degraded", "False"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "running but spec changed since", want = "Progressing", msg = "generation 4",
   obj = svc(4, {observedGeneration = 3, state = "Running",
                 conditions = {cond("Ready", "True"), cond("Degraded", "False"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "status without observedGeneration", want = "Progressing",
   obj = svc(2, {state = "Running", conditions = {cond("Ready", "True")}})},
  {name = "Ready condition of an older generation", want = "Progressing", msg = "Ready condition",
   obj = svc(4, {observedGeneration = 4, state = "Running", conditions = {cond("Ready", "True", "Running", 3)}})},
  {name = "degraded: critical probe failing (incident 2: empty replies)", want = "Degraded", msg = "empty reply",
   obj = svc(3, {observedGeneration = 3, state = "Degraded", reason = "ProbeFailed",
                 message = "probe ui failed 3 times: GET unix:ui.sock/health: empty reply",
                 conditions = {cond("Ready", "False"), cond("Degraded", "True"), cond("Reconciling", "True"), cond("Stalled", "False")}})},
  {name = "degraded: process down (incident 1: ui.sock missing)", want = "Degraded", msg = "ProcessDown",
   obj = svc(3, {observedGeneration = 3, state = "Degraded", reason = "ProcessDown", message = "process ui exited",
                 conditions = {cond("Ready", "False"), cond("Degraded", "True"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "degraded: non-critical probe only", want = "Healthy", msg = "ProbeFailed",
   obj = svc(3, {observedGeneration = 3, state = "Degraded", reason = "ProbeFailed", message = "probe metrics failed (non-critical)",
                 conditions = {cond("Ready", "True"), cond("Degraded", "True"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "failed: restart limit", want = "Degraded", msg = "RestartLimitExceeded",
   obj = svc(3, {observedGeneration = 3, state = "Failed", reason = "RestartLimitExceeded", message = "5 restarts within 600s",
                 conditions = {cond("Ready", "False"), cond("Degraded", "True"), cond("Reconciling", "False"), cond("Stalled", "True")}})},
  {name = "failed: invalid spec", want = "Degraded", msg = "InvalidSpec",
   obj = svc(5, {observedGeneration = 5, state = "Failed", reason = "InvalidSpec", message = "spec.processes[0].image: required",
                 conditions = {cond("Ready", "False", nil, 5), cond("Stalled", "True", nil, 5)}})},
  {name = "suspended", want = "Suspended", msg = "Suspended",
   obj = svc(3, {observedGeneration = 3, state = "Stopped", reason = "Suspended", message = "spec.suspend is true",
                 conditions = {cond("Ready", "True", "Suspended"), cond("Degraded", "False"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "stopped: no pods to track", want = "Progressing", msg = "NoPods",
   obj = svc(3, {observedGeneration = 3, state = "Stopped", reason = "NoPods", message = "no pods match the selector",
                 conditions = {cond("Ready", "False"), cond("Degraded", "False"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "stopping (suspend requested)", want = "Progressing", msg = "Stopping",
   obj = svc(3, {observedGeneration = 3, state = "Stopped", reason = "Stopping", message = "Suspended: stopping processes",
                 conditions = {cond("Ready", "False"), cond("Reconciling", "True"), cond("Stalled", "False")}})},
  {name = "completed one-shot processes", want = "Healthy", msg = "Completed",
   obj = svc(3, {observedGeneration = 3, state = "Stopped", reason = "Completed", message = "All processes exited",
                 conditions = {cond("Ready", "False"), cond("Reconciling", "False"), cond("Stalled", "False")}})},
  {name = "failed: runtime unavailable, something still alive", want = "Degraded", msg = "RuntimeUnavailable",
   obj = svc(3, {observedGeneration = 3, state = "Failed", reason = "RuntimeUnavailable", message = "runtime Process is not enabled",
                 conditions = {cond("Ready", "False"), cond("Degraded", "True"), cond("Stalled", "True")}})},
  {name = "unknown state", want = "Unknown", obj = svc(3, {observedGeneration = 3, state = "Exploded"})},
  {name = "no generation in metadata", want = "Healthy",
   obj = {metadata = {name = "x"}, status = {state = "Running", conditions = {cond("Ready", "True")}}}},
}

local passed, failed = 0, 0
for _, c in ipairs(cases) do
  local env = setmetatable({obj = c.obj}, {__index = _G})
  local chunk = assert(loadfile(script, "t", env))
  local ok, hs = pcall(chunk)
  local problem
  if not ok then
    problem = "error: " .. tostring(hs)
  elseif type(hs) ~= "table" then
    problem = "returned " .. type(hs) .. ", not a table"
  elseif hs.status ~= c.want then
    problem = "status " .. tostring(hs.status) .. ", want " .. c.want .. " (message: " .. tostring(hs.message) .. ")"
  elseif type(hs.message) ~= "string" or hs.message == "" then
    problem = "no message"
  elseif c.msg ~= nil and not hs.message:find(c.msg, 1, true) then
    problem = "message '" .. hs.message .. "' lacks '" .. c.msg .. "'"
  end
  if problem then
    failed = failed + 1
    print("FAIL " .. c.name .. ": " .. problem)
  else
    passed = passed + 1
    print("ok   " .. c.name .. " -> " .. hs.status .. ": " .. hs.message)
  end
end
print(string.format("argocd-health: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
