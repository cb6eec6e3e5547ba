package tf.ourworld.hero.procservice.runtime;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;

/**
 * Makes a cached ProcService share the texts that repeat across services: its apiVersion and kind, condition types,
 * statuses, reasons and messages ("Nothing is degraded"), states, probe and process names,
 * timestamps written in the same second, the namespace and the finalizer. JSON decoding gives
 * every service its own copy of each (about 60 strings, 1.5-2 KiB of a service's heap); the JVM's
 * string table keeps one, and lets it go when no service uses it any more.
 */
public final class CachedTexts {
  private CachedTexts() {
  }

  /** The same object, its repeated texts shared. */
  public static ProcService share(ProcService p) {
    shared(p::getApiVersion, p::setApiVersion);
    shared(p::getKind, p::setKind);
    ObjectMeta m = p.getMetadata();
    if (m != null) {
      shared(m::getNamespace, m::setNamespace);
      shared(m::getCreationTimestamp, m::setCreationTimestamp);
      m.setFinalizers(interned(m.getFinalizers()));
    }
    ProcServiceStatus s = p.getStatus();
    if (s == null) {
      return p;
    }
    shared(s::getReason, s::setReason);
    shared(s::getMessage, s::setMessage);
    shared(s::getLastTransitionTime, s::setLastTransitionTime);
    shared(s::getProbesReady, s::setProbesReady);
    shared(s::getNextRestartTime, s::setNextRestartTime);
    s.setRestartTimes(interned(s.getRestartTimes()));
    for (Condition c : nonNull(s.getConditions())) {
      shared(c::getType, c::setType);
      shared(c::getStatus, c::setStatus);
      shared(c::getReason, c::setReason);
      shared(c::getMessage, c::setMessage);
      shared(c::getLastTransitionTime, c::setLastTransitionTime);
    }
    for (ProcessStatus ps : nonNull(s.getProcesses())) {
      shared(ps::getName, ps::setName);
      shared(ps::getState, ps::setState);
      shared(ps::getStartTime, ps::setStartTime);
    }
    nonNull(s.getProbes()).forEach(CachedTexts::share);
    for (TrackedPodStatus pod : nonNull(s.getPods())) {
      shared(pod::getPhase, pod::setPhase);
      nonNull(pod.getProbes()).forEach(CachedTexts::share);
    }
    return p;
  }

  private static void share(ProbeStatus probe) {
    shared(probe::getName, probe::setName);
    shared(probe::getResult, probe::setResult);
    shared(probe::getLastTransitionTime, probe::setLastTransitionTime);
    shared(probe::getLastError, probe::setLastError);
  }

  private static void shared(Supplier<String> get, Consumer<String> set) {
    String s = get.get();
    if (s != null) {
      set.accept(s.intern());
    }
  }

  /** A new mutable list (the one decoded may be any list), or null for null. */
  private static List<String> interned(List<String> texts) {
    if (texts == null) {
      return null;
    }
    List<String> out = new ArrayList<>(texts.size());
    texts.forEach(t -> out.add(t == null ? null : t.intern()));
    return out;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
