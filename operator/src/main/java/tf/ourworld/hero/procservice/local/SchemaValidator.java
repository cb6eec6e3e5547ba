package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Structural validation of a custom resource against its CRD's openAPIV3Schema, as the API server
 * does on every write: types, enums, required fields, bounds, patterns and unknown fields. This
 * keeps a wrongly typed object (say {@code periodSeconds: abc}) out of the store, where it would
 * break every client's watch; kubectl shows the errors as it would from a cluster. CEL rules
 * ({@code x-kubernetes-validations}) are not evaluated: the operator validates specs itself.
 */
final class SchemaValidator {
  /** One problem: the field path (spec.probes[0].periodSeconds), a Kubernetes cause reason, a message. */
  record Problem(String field, String reason, String message) {
  }

  private SchemaValidator() {
  }

  /** The problems of {@code object} (metadata, apiVersion and kind are the server's business, not checked here). */
  static List<Problem> validate(JsonNode object, JsonNode schema) {
    List<Problem> problems = new ArrayList<>();
    if (schema == null || !object.isObject()) {
      return problems;
    }
    JsonNode props = schema.path("properties");
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("metadata") || key.equals("apiVersion") || key.equals("kind")) {
        continue;
      }
      if (props.has(key)) {
        check(e.getValue(), props.get(key), key, problems);
      } else if (!allowsUnknown(schema)) {
        problems.add(new Problem(key, "FieldValueInvalid", "unknown field \"" + key + "\""));
      }
    }
    return problems;
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<Problem> out) {
    if (value == null || value.isNull()) {
      return; // absent: the API server drops nulls in these positions
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isTextual() && !value.isIntegralNumber()) {
        out.add(new Problem(path, "FieldValueInvalid", "Invalid value: \"" + kind(value) + "\": " + path
            + " in body must be of type integer or string: \"" + kind(value) + "\""));
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !typeMatches(type, value)) {
      out.add(new Problem(path, "FieldValueTypeInvalid", "Invalid value: \"" + kind(value) + "\": " + path
          + " in body must be of type " + type + ": \"" + kind(value) + "\""));
      return;
    }
    JsonNode en = schema.get("enum");
    if (en != null && en.isArray() && en.size() > 0) {
      boolean found = false;
      for (JsonNode allowed : en) {
        found |= allowed.equals(value);
      }
      if (!found) {
        StringBuilder list = new StringBuilder();
        en.forEach(a -> list.append(list.length() == 0 ? "" : ", ").append(a.toString()));
        out.add(new Problem(path, "FieldValueNotSupported", "Unsupported value: " + value + ": supported values: " + list));
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
        out.add(new Problem(path, "FieldValueInvalid", "Invalid value: " + value + ": " + path
            + " in body should be greater than or equal to " + schema.get("minimum").asText()));
      }
      if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
        out.add(new Problem(path, "FieldValueInvalid", "Invalid value: " + value + ": " + path
            + " in body should be less than or equal to " + schema.get("maximum").asText()));
      }
    }
    if (value.isTextual()) {
      String s = value.asText();
      if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
        out.add(new Problem(path, "FieldValueTooLong", "Too long: may not be more than "
            + schema.get("maxLength").asInt() + " bytes"));
      }
      if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
        out.add(new Problem(path, "FieldValueInvalid", "Invalid value: \"" + s + "\": " + path
            + " in body should be at least " + schema.get("minLength").asInt() + " chars long"));
      }
      if (schema.has("pattern")) {
        try {
          if (!Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
            out.add(new Problem(path, "FieldValueInvalid", "Invalid value: \"" + s + "\": " + path
                + " in body should match '" + schema.get("pattern").asText() + "'"));
          }
        } catch (PatternSyntaxException e) {
          // a pattern Java cannot compile is not ours to enforce
        }
      }
    }
    if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        out.add(new Problem(path, "FieldValueTooMany", "Too many: " + value.size() + ": must have at most "
            + schema.get("maxItems").asInt() + " items"));
      }
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        out.add(new Problem(path, "FieldValueInvalid", "Invalid value: " + value.size() + ": " + path
            + " in body should have at least " + schema.get("minItems").asInt() + " items"));
      }
      JsonNode items = schema.get("items");
      if (items != null) {
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), items, path + "[" + i + "]", out);
        }
      }
    }
    if (value.isObject()) {
      JsonNode required = schema.get("required");
      if (required != null) {
        for (JsonNode r : required) {
          if (!value.has(r.asText()) || value.get(r.asText()).isNull()) {
            out.add(new Problem(path + "." + r.asText(), "FieldValueRequired", "Required value"));
          }
        }
      }
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path + "." + e.getKey();
        if (props.has(e.getKey())) {
          check(e.getValue(), props.get(e.getKey()), child, out);
        } else if (additional != null && additional.isObject()) {
          check(e.getValue(), additional, child, out);
        } else if (!allowsUnknown(schema)) {
          out.add(new Problem(child, "FieldValueInvalid", "unknown field \"" + child + "\""));
        }
      }
    }
  }

  private static boolean allowsUnknown(JsonNode schema) {
    JsonNode additional = schema.get("additionalProperties");
    return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || (additional != null && (additional.isObject() || additional.asBoolean(false)))
        || (!schema.has("properties") && schema.path("type").asText("object").equals("object"));
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static String kind(JsonNode v) {
    return v.isTextual() ? "string" : v.isBoolean() ? "boolean" : v.isIntegralNumber() ? "integer"
        : v.isNumber() ? "number" : v.isArray() ? "array" : v.isObject() ? "object" : "null";
  }
}
