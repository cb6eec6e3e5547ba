package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Structural-schema defaulting, as the real API server applies a CRD's {@code default} values when
 * an object is written: a missing field whose schema has a default gets it, recursively through
 * objects and array items. (The mock stores objects exactly as sent.)
 */
final class SchemaDefaults {
  private SchemaDefaults() {
  }

  /** Fills in defaults in place; returns the same node. */
  static JsonNode apply(JsonNode value, JsonNode schema) {
    if (schema == null || value == null) {
      return value;
    }
    if (value.isObject()) {
      ObjectNode obj = (ObjectNode) value;
      JsonNode props = schema.get("properties");
      if (props != null) {
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> p = it.next();
          JsonNode child = obj.get(p.getKey());
          if ((child == null) && p.getValue().has("default")) {
            obj.set(p.getKey(), p.getValue().get("default").deepCopy());
          } else if (child != null && !child.isNull()) {
            apply(child, p.getValue());
          }
        }
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        obj.fields().forEachRemaining(e -> apply(e.getValue(), additional));
      }
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> apply(item, schema.get("items")));
    }
    return value;
  }
}
