package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads a ProcService so that one object the model cannot bind never stops the informer (which
 * fails its whole list on one bad item, and the operator with it): a value above 2^31-1 in an
 * integer field, a string where a number belongs, an unknown enum value, whatever an API server
 * without the CRD's bounds let through. Such a spec is replaced by an empty one (keeping
 * {@code runtime} when readable) that carries {@link ProcServiceSpec#bindingProblem()} naming the
 * field; SpecValidator reports it as InvalidSpec, so the object shows Failed while the others
 * keep reconciling. An unreadable status is dropped (the operator writes a new one).
 *
 * <p>Also bounds what the operator copies into status: a probe-now or reset-failed annotation
 * longer than {@link #MAX_ANNOTATION} characters is handled by its SHA-256 digest.
 */
public final class ProcServiceDeserializer extends StdDeserializer<ProcService> {
  /** Longer trigger annotations are replaced by {@code sha256:<hex>} when read. */
  public static final int MAX_ANNOTATION = 256;

  public ProcServiceDeserializer() {
    super(ProcService.class);
  }

  @Override
  public ProcService deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode node = ctxt.readTree(p);
    ProcService out = new ProcService();
    if (node == null || !node.isObject()) {
      return out;
    }
    if (node.hasNonNull("apiVersion")) {
      out.setApiVersion(node.get("apiVersion").asText());
    }
    if (node.hasNonNull("kind")) {
      out.setKind(node.get("kind").asText());
    }
    // metadata comes from the API server itself: a failure here is real and is not hidden.
    ObjectMeta meta = node.hasNonNull("metadata") ? ctxt.readTreeAsValue(node.get("metadata"), ObjectMeta.class) : null;
    out.setMetadata(boundAnnotations(meta));
    JsonNode spec = node.get("spec");
    if (spec == null || spec.isNull()) {
      out.setSpec(null);
    } else {
      try {
        out.setSpec(ctxt.readTreeAsValue(spec, ProcServiceSpec.class));
        String nullItem = nullItem("spec", spec);
        if (nullItem != null) {
          // The schema forbids them; code downstream may rely on that: as unreadable as a bad type.
          out.setSpec(substitute(spec, nullItem + ": must not be null; the operator could not read this object and"
              + " does not act on it until it is fixed"));
        }
      } catch (IOException | RuntimeException e) {
        out.setSpec(substitute(spec, problem("spec", e)));
      }
    }
    JsonNode status = node.get("status");
    if (status != null && !status.isNull()) {
      try {
        out.setStatus(ctxt.readTreeAsValue(status, ProcServiceStatus.class));
      } catch (IOException | RuntimeException e) {
        out.setStatus(null);
      }
    }
    return out;
  }

  /** The path of the first null element of an array anywhere in the spec, or null. */
  static String nullItem(String at, JsonNode node) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        if (node.get(i) == null || node.get(i).isNull()) {
          return at + "[" + i + "]";
        }
        String inner = nullItem(at + "[" + i + "]", node.get(i));
        if (inner != null) {
          return inner;
        }
      }
    } else if (node.isObject()) {
      var fields = node.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        if (f.getKey().equals("params")) {
          continue; // openRpc params are free JSON
        }
        String inner = nullItem(at + "." + f.getKey(), f.getValue());
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static ProcServiceSpec substitute(JsonNode spec, String problem) {
    ProcServiceSpec s = new ProcServiceSpec();
    JsonNode runtime = spec.get("runtime");
    if (runtime != null && runtime.isTextual()) {
      for (RuntimeKind k : RuntimeKind.values()) {
        if (k.name().equals(runtime.asText())) {
          s.setRuntime(k);
        }
      }
    }
    s.setBindingProblem(problem);
    return s;
  }

  /** "spec.probes[0].timeoutSeconds: ..." without the value (it may be huge, or a secret). */
  static String problem(String root, Throwable e) {
    StringBuilder at = new StringBuilder(root);
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          at.append('.').append(r.getFieldName().length() > 64 ? r.getFieldName().substring(0, 64) + "..." : r.getFieldName());
        } else if (r.getIndex() >= 0) {
          at.append('[').append(r.getIndex()).append(']');
        }
      }
    }
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String why;
    if (cause instanceof InputCoercionException || e instanceof InputCoercionException
        || String.valueOf(e.getMessage()).contains("out of range")) {
      why = "value out of range: must be a 32-bit integer (at most 2147483647); the CRD bounds this field much"
          + " lower (docs/reference.md)";
    } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      why = "not one of the allowed values (docs/reference.md)";
    } else if (e instanceof MismatchedInputException) {
      why = "has the wrong type for this field (docs/reference.md)";
    } else {
      why = "cannot be read (docs/reference.md)";
    }
    return at + ": " + why + "; the operator could not read this object and does not act on it until it is fixed";
  }

  private static ObjectMeta boundAnnotations(ObjectMeta meta) {
    if (meta == null || meta.getAnnotations() == null) {
      return meta;
    }
    Map<String, String> a = meta.getAnnotations();
    for (String key : new String[] {ProcService.ANNOTATION_PROBE_NOW, ProcService.ANNOTATION_RESET_FAILED}) {
      String v = a.get(key);
      if (v != null && v.length() > MAX_ANNOTATION) {
        a.put(key, digest(v));
      }
    }
    return meta;
  }

  /** The stand-in for a trigger annotation longer than MAX_ANNOTATION. */
  public static String digest(String value) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
