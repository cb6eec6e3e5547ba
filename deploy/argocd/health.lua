-- Argo CD health check for hero.ourworld.tf/ProcService (docs/gitops.md).
-- Install: argocd-cm key `resource.customizations.health.hero.ourworld.tf_ProcService`.
-- Decides from status.observedGeneration, the Ready / Stalled conditions and status.state,
-- the same signals kubectl wait --for=condition=Ready and Flux (kstatus) use.
local hs = {}

local function condition(status, type)
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type == type then
        return c
      end
    end
  end
  return nil
end

local function text(status, fallback)
  local parts = {}
  if status.reason ~= nil and status.reason ~= "" then
    table.insert(parts, status.reason)
  end
  if status.message ~= nil and status.message ~= "" then
    table.insert(parts, status.message)
  end
  if #parts == 0 then
    return fallback
  end
  return table.concat(parts, ": ")
end

if obj.status == nil or obj.status.state == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation or nil

-- A status about an older spec says nothing about the current one.
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local ready = condition(status, "Ready")
if ready ~= nil and generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition of generation " .. tostring(generation)
  return hs
end
local stalled = condition(status, "Stalled")
local state = status.state

if state == "Stopped" and status.reason == "Suspended" then
  hs.status = "Suspended"
  hs.message = text(status, "Suspended")
  return hs
end

if state == "Failed" or (stalled ~= nil and stalled.status == "True") then
  hs.status = "Degraded"
  hs.message = text(status, "Failed")
  return hs
end

if ready ~= nil and ready.status == "True" and (state == "Running" or state == "Degraded") then
  -- Degraded with Ready True: only non-critical probes fail; the service does its job.
  hs.status = "Healthy"
  if state == "Degraded" then
    hs.message = text(status, "Degraded (non-critical)")
  else
    hs.message = text(status, "Running")
  end
  return hs
end

if state == "Degraded" then
  hs.status = "Degraded"
  hs.message = text(status, "Degraded")
  return hs
end

if state == "Stopped" and status.reason == "Completed" then
  -- One-shot processes that exited and are not restarted: done, like a completed Job.
  hs.status = "Healthy"
  hs.message = text(status, "Completed")
  return hs
end

if state == "Starting" or state == "Running" or state == "Stopped" then
  -- Starting; Running not yet confirmed by Ready; Stopping; Stopped with no pods to track (yet).
  hs.status = "Progressing"
  hs.message = text(status, state)
  return hs
end

hs.status = "Unknown"
hs.message = "Unknown state " .. tostring(state)
return hs
