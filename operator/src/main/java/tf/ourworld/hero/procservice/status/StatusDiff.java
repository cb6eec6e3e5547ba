package tf.ourworld.hero.procservice.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;

/** Statuses as JSON trees, compared as such. */
public final class StatusDiff {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusDiff() {
  }

  public static JsonNode tree(ProcServiceStatus s) {
    return s == null ? JsonNodeFactory.instance.objectNode() : MAPPER.valueToTree(s);
  }

  /** True when both serialize to the same JSON. */
  public static boolean same(ProcServiceStatus a, ProcServiceStatus b) {
    return tree(a).equals(tree(b));
  }
}
