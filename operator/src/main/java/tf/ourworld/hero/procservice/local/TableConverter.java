package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side printing: turns objects into a {@code meta.k8s.io/v1} Table, which is what kubectl
 * asks for ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}) and prints verbatim.
 * Custom resources get their CRD's additionalPrinterColumns, Events and Namespaces the columns
 * kubectl users know, everything else NAME and AGE.
 */
final class TableConverter {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)\\]");

  private final Clock clock;

  TableConverter(Clock clock) {
    this.clock = clock;
  }

  /** A column: its definition and how to compute a cell. */
  private record Column(String name, String type, String format, String description, int priority,
      java.util.function.Function<JsonNode, JsonNode> cell) {
  }

  /** The Table for a list (its {@code items}) or for a single object. */
  ObjectNode toTable(ApiResource resource, JsonNode listOrObject, boolean withColumnDefinitions) {
    List<Column> columns = columns(resource);
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    String rv = listOrObject.path("metadata").path("resourceVersion").asText("");
    if (!rv.isEmpty()) {
      meta.put("resourceVersion", rv);
    }
    ArrayNode defs = table.putArray("columnDefinitions");
    if (withColumnDefinitions) {
      for (Column c : columns) {
        ObjectNode d = defs.addObject();
        d.put("name", c.name());
        d.put("type", c.type());
        d.put("format", c.format());
        d.put("description", c.description());
        d.put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (listOrObject.has("items")) {
      listOrObject.get("items").forEach(objects::add);
    } else {
      objects.add(listOrObject);
    }
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.add(c.cell().apply(o));
      }
      row.set("object", o);
    }
    return table;
  }

  private List<Column> columns(ApiResource r) {
    List<Column> cols = new ArrayList<>();
    cols.add(new Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
        o -> text(o.path("metadata").path("name"))));
    if (!r.printerColumns().isEmpty()) {
      for (CustomResourceColumnDefinition c : r.printerColumns()) {
        String type = c.getType() == null ? "string" : c.getType();
        String path = c.getJsonPath();
        cols.add(new Column(c.getName(), type, c.getFormat() == null ? "" : c.getFormat(),
            c.getDescription() == null ? "" : c.getDescription(),
            c.getPriority() == null ? 0 : c.getPriority(), o -> cell(type, evaluate(o, path))));
      }
    } else if (r.kind().equals("Event") && r.group().isEmpty()) {
      cols.clear();
      cols.add(new Column("Last Seen", "string", "", "Time since the event was last seen.", 0,
          o -> age(firstNonEmpty(o, "lastTimestamp", "eventTime", "firstTimestamp", "metadata.creationTimestamp"))));
      cols.add(new Column("Type", "string", "", "Normal or Warning.", 0, o -> text(o.path("type"))));
      cols.add(new Column("Reason", "string", "", "Why the event was emitted.", 0, o -> text(o.path("reason"))));
      cols.add(new Column("Object", "string", "", "The object the event is about.", 0,
          o -> JSON.getNodeFactory().textNode(o.path("involvedObject").path("kind").asText("").toLowerCase(Locale.ROOT)
              + "/" + o.path("involvedObject").path("name").asText(""))));
      cols.add(new Column("Message", "string", "", "Human-readable description.", 0, o -> text(o.path("message"))));
      cols.add(new Column("Name", "string", "name", "Name of the event.", 1, o -> text(o.path("metadata").path("name"))));
      return cols;
    } else if (r.kind().equals("Namespace")) {
      cols.add(new Column("Status", "string", "", "The namespace's phase.", 0,
          o -> JSON.getNodeFactory().textNode(o.path("status").path("phase").asText("Active"))));
    }
    if (r.printerColumns().isEmpty()) {
      cols.add(new Column("Age", "string", "", "Time since creation.", 0,
          o -> age(o.path("metadata").path("creationTimestamp").asText(""))));
    }
    return cols;
  }

  private JsonNode cell(String type, JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return NullNode.getInstance();
    }
    return switch (type) {
      case "date" -> age(value.asText());
      case "integer" -> value.canConvertToLong() ? JSON.getNodeFactory().numberNode(value.asLong()) : text(value);
      case "number" -> value.isNumber() ? value : text(value);
      case "boolean" -> value.isBoolean() ? value : text(value);
      default -> value.isValueNode() ? JSON.getNodeFactory().textNode(value.asText())
          : JSON.getNodeFactory().textNode(value.toString());
    };
  }

  /** Evaluates a simple JSONPath such as {@code .status.state} or {@code .spec.items[0].name}. */
  static JsonNode evaluate(JsonNode o, String jsonPath) {
    String p = jsonPath.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    JsonNode n = o;
    Matcher m = SEGMENT.matcher(p);
    while (m.find() && n != null) {
      n = m.group(1) != null ? n.get(m.group(1)) : n.get(Integer.parseInt(m.group(2)));
    }
    return n;
  }

  private JsonNode text(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? NullNode.getInstance()
        : JSON.getNodeFactory().textNode(n.asText());
  }

  private static String firstNonEmpty(JsonNode o, String... paths) {
    for (String p : paths) {
      String v = Selectors.text(o, p);
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  private JsonNode age(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return JSON.getNodeFactory().textNode("<unknown>");
    }
    try {
      return JSON.getNodeFactory().textNode(humanDuration(Duration.between(Instant.parse(timestamp), clock.instant())));
    } catch (DateTimeParseException e) {
      return JSON.getNodeFactory().textNode("<invalid>");
    }
  }

  /** Kubernetes' own short duration format (apimachinery duration.HumanDuration). */
  static String humanDuration(Duration d) {
    if (d.compareTo(Duration.ofSeconds(-1)) < 0) {
      return "<invalid>";
    }
    if (d.isNegative()) {
      return "0s";
    }
    long seconds = d.getSeconds();
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
