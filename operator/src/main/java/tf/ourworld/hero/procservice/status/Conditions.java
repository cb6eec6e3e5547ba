package tf.ourworld.hero.procservice.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Builds metav1.Conditions, keeping lastTransitionTime when a condition's status does not flip. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  /** The reason of a condition that is as it should be. */
  public static final String AS_EXPECTED = "AsExpected";

  private Conditions() {
  }

  /** The condition of the given type with the new values; lastTransitionTime from previous unless status flipped. */
  public static Condition merge(List<Condition> previous, String type, boolean status, String reason, String message,
      long generation, Instant now) {
    String s = status ? "True" : "False";
    Condition old = find(previous, type);
    String ltt = old != null && Objects.equals(old.getStatus(), s) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime() : Timestamps.format(now);
    return new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(ltt).build();
  }

  /** The condition of a type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
