package tf.ourworld.hero.procservice.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code expect.cel}: a CEL expression over a probe's reply, compiled and type-checked once per
 * expression (a process-wide cache, so a thousand Track pods sharing a spec compile it once), and
 * evaluated under a cost limit (evaluated nodes) and the probe's deadline.
 *
 * <p>Variables: {@code status} (int), {@code headers} (map of lower-case name to string),
 * {@code body} (string), {@code json} (the body as JSON, {@code null} when it is not JSON); for
 * openRpc also {@code result} and {@code error} (the reply's members, {@code null} when absent).
 */
public final class CelExpression {
  /** The most nodes one evaluation may visit (comprehensions count every iteration). */
  static final int COST_LIMIT = 100_000;
  /** How much of the expression a failure message shows. */
  static final int SHOWN = 80;
  private static final int MAX_ERROR = 120;
  private static final int CACHE_LIMIT = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Pattern POSITION = Pattern.compile("^(ERROR: )?<input>:\\d+(:\\d+)?: ?");
  private static final Map<String, CelExpression> CACHE = new ConcurrentHashMap<>();

  /** Which variables a probe kind offers. */
  public enum Vars {
    HTTP(List.of("status", "headers", "body", "json")),
    OPEN_RPC(List.of("status", "headers", "body", "json", "result", "error"));

    final List<String> names;

    Vars(List<String> names) {
      this.names = names;
    }
  }

  private static final Map<Vars, Cel> ENVIRONMENTS = Map.of(Vars.HTTP, environment(Vars.HTTP),
      Vars.OPEN_RPC, environment(Vars.OPEN_RPC));

  private final String expression;
  private final String shown;
  private final CelRuntime.Program program;
  private final Set<String> used;

  private CelExpression(String expression, CelRuntime.Program program, Set<String> used) {
    this.expression = expression;
    this.shown = cut(expression);
    this.program = program;
    this.used = used;
  }

  /**
   * The compiled expression, from the cache when it was compiled before.
   *
   * @throws IllegalArgumentException with CEL's message (parse or type errors, one line each)
   */
  public static CelExpression compile(String expression, Vars vars) {
    String key = vars.name() + '\0' + expression;
    CelExpression cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    Cel cel = ENVIRONMENTS.get(vars);
    CelExpression compiled;
    try {
      CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
      Set<String> used = new HashSet<>();
      for (CelReference ref : ast.getReferenceMap().values()) {
        used.add(ref.name());
      }
      compiled = new CelExpression(expression, cel.createProgram(ast), Set.copyOf(used));
    } catch (CelValidationException e) {
      throw new IllegalArgumentException(compileMessage(e.getMessage()));
    } catch (CelEvaluationException e) {
      throw new IllegalArgumentException(oneLine(e.getMessage()));
    }
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear(); // specs change rarely: a full cache means churn, start over rather than track age
    }
    CACHE.put(key, compiled);
    return compiled;
  }

  /** The expression as written. */
  public String expression() {
    return expression;
  }

  /** True when the expression reads the variable (so a check can skip work nobody looks at). */
  boolean uses(String variable) {
    return used.contains(variable);
  }

  /** True when the expression needs the body (body, json, result or error). */
  boolean needsBody() {
    return uses("body") || uses("json") || uses("result") || uses("error");
  }

  /**
   * Evaluates over the given variables (missing ones are null); returns normally when the result is
   * {@code true}.
   *
   * @throws ProbeFailure with a text that shows the expression (cut), never the body
   */
  void require(Map<String, Object> vars, ProbeCall call) throws ProbeFailure {
    int[] cost = {0};
    Object result;
    try {
      result = program.trace(vars, (expr, value) -> {
        if (++cost[0] > COST_LIMIT) {
          throw new CostExceeded();
        }
        if ((cost[0] & 0xff) == 0 && call.expired()) {
          throw new DeadlinePassed();
        }
      });
    } catch (CelEvaluationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CostExceeded) {
        throw new ProbeFailure("expect.cel exceeded its cost limit (" + COST_LIMIT + " steps): " + shown);
      }
      if (cause instanceof DeadlinePassed || call.expired()) {
        throw new ProbeFailure(call.timeoutText());
      }
      throw new ProbeFailure("expect.cel error: " + evaluationMessage(e.getMessage()) + ": " + shown);
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    if (result instanceof Boolean) {
      throw new ProbeFailure("expect.cel was false: " + shown);
    }
    throw new ProbeFailure("expect.cel returned " + typeName(result) + ", not bool: " + shown);
  }

  /** The reply body as a CEL value: maps, lists, int, double, string, bool, null; null when not JSON. */
  static Object json(byte[] body, int length) {
    if (length == 0) {
      return NullValue.NULL_VALUE;
    }
    try {
      JsonNode node = JSON.readTree(body, 0, length);
      return node == null || node.isMissingNode() ? NullValue.NULL_VALUE : value(node);
    } catch (IOException e) {
      return NullValue.NULL_VALUE;
    }
  }

  /** A parsed JSON node as a CEL value. */
  static Object value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), value(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(n -> list.add(value(n)));
      return list;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  private static Cel environment(Vars vars) {
    var builder = CelFactory.standardCelBuilder()
        .setOptions(CelOptions.current()
            .comprehensionMaxIterations(COST_LIMIT)
            .maxExpressionCodePointSize(ExpectSpec.MAX_CEL_LENGTH)
            .build())
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setResultType(SimpleType.BOOL);
    for (String name : vars.names) {
      switch (name) {
        case "status" -> builder.addVar(name, SimpleType.INT);
        case "headers" -> builder.addVar(name, MapType.create(SimpleType.STRING, SimpleType.STRING));
        case "body" -> builder.addVar(name, SimpleType.STRING);
        default -> builder.addVar(name, SimpleType.DYN);
      }
    }
    return builder.build();
  }

  /** CEL's compile errors without the source excerpt lines, one per error, joined. */
  static String compileMessage(String message) {
    List<String> errors = new ArrayList<>();
    for (String line : message.split("\n")) {
      if (line.startsWith("ERROR: ")) {
        errors.add(POSITION.matcher(line).replaceFirst(m -> {
          String pos = m.group().replaceFirst("^(ERROR: )?<input>:", "").trim();
          return pos.isEmpty() ? "" : "at " + pos.replaceAll(":$", "") + ": ";
        }).trim());
      }
    }
    return errors.isEmpty() ? oneLine(message) : String.join("; ", errors);
  }

  /**
   * CEL's evaluation error, without its position and without any quoted text that is not part of
   * the expression: a failed conversion quotes the value, and values come from the body.
   */
  private String evaluationMessage(String message) {
    String m = oneLine(message).replaceFirst("^evaluation error at <input>:\\d+: ?", "")
        .replaceFirst("^evaluation error: ?", "");
    Matcher q = QUOTED.matcher(m);
    StringBuilder sb = new StringBuilder();
    while (q.find()) {
      String quoted = q.group();
      String inner = quoted.substring(1, quoted.length() - 1);
      q.appendReplacement(sb, Matcher.quoteReplacement(expression.contains(inner) ? quoted
          : quoted.charAt(0) + "..." + quoted.charAt(0)));
    }
    q.appendTail(sb);
    String s = sb.toString();
    return s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + "...";
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    return sb.toString().trim();
  }

  /** The expression for a message: one line, at most {@link #SHOWN} characters. */
  static String cut(String expression) {
    String s = oneLine(expression).replaceAll("\\s+", " ");
    return s.length() <= SHOWN ? s : s.substring(0, SHOWN - 3) + "...";
  }

  private static String typeName(Object value) {
    if (value == null || value instanceof NullValue) {
      return "null";
    }
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof Double) {
      return "double";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Map) {
      return "map";
    }
    if (value instanceof List) {
      return "list";
    }
    return value.getClass().getSimpleName();
  }

  /** Thrown out of the evaluation when the cost limit is reached. */
  private static final class CostExceeded extends RuntimeException {
    CostExceeded() {
      super("cost limit exceeded", null, false, false);
    }
  }

  /** Thrown out of the evaluation when the probe's deadline has passed. */
  private static final class DeadlinePassed extends RuntimeException {
    DeadlinePassed() {
      super("deadline passed", null, false, false);
    }
  }
}
