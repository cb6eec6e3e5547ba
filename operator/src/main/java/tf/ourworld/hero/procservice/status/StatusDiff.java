package tf.ourworld.hero.procservice.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;

/** Compares statuses as JSON and builds the JSON merge patch (RFC 7386) from one to the other. */
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

  /** The merge patch turning {@code from} into {@code to}: removed keys become null, arrays are replaced. */
  public static JsonNode mergePatch(JsonNode from, JsonNode to) {
    if (!(from instanceof ObjectNode f) || !(to instanceof ObjectNode t)) {
      return to;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Iterator<String> it = f.fieldNames(); it.hasNext();) {
      String k = it.next();
      if (!t.has(k)) {
        patch.putNull(k);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode old = f.get(e.getKey());
      if (old == null || !old.equals(e.getValue())) {
        patch.set(e.getKey(), old != null && old.isObject() && e.getValue().isObject()
            ? mergePatch(old, e.getValue()) : e.getValue());
      }
    }
    return patch;
  }
}
