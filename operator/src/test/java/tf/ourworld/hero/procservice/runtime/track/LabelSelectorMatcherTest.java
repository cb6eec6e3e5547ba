package tf.ourworld.hero.procservice.runtime.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorMatcherTest {

  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @Test
  void matchLabelsMustAllMatch() {
    assertThat(LabelSelectorMatcher.matches(sel().addToMatchLabels("app", "web").build(), WEB)).isTrue();
    assertThat(LabelSelectorMatcher.matches(sel().addToMatchLabels("app", "web").addToMatchLabels("tier", "back").build(), WEB)).isFalse();
    assertThat(LabelSelectorMatcher.matches(sel().addToMatchLabels("app", "web").build(), null)).isFalse();
  }

  @Test
  void expressions() {
    assertThat(LabelSelectorMatcher.matches(expr("app", "In", "web", "api"), WEB)).isTrue();
    assertThat(LabelSelectorMatcher.matches(expr("app", "In", "api"), WEB)).isFalse();
    assertThat(LabelSelectorMatcher.matches(expr("app", "NotIn", "api"), WEB)).isTrue();
    assertThat(LabelSelectorMatcher.matches(expr("zone", "NotIn", "a"), WEB)).isTrue();
    assertThat(LabelSelectorMatcher.matches(expr("tier", "Exists"), WEB)).isTrue();
    assertThat(LabelSelectorMatcher.matches(expr("tier", "DoesNotExist"), WEB)).isFalse();
    assertThat(LabelSelectorMatcher.matches(expr("tier", "Bogus"), WEB)).isFalse();
  }

  @Test
  void nullSelectorMatchesNothingAndEmptyIsReported() {
    assertThat(LabelSelectorMatcher.matches(null, WEB)).isFalse();
    assertThat(LabelSelectorMatcher.isEmpty(new LabelSelector())).isTrue();
    assertThat(LabelSelectorMatcher.isEmpty(sel().addToMatchLabels("a", "b").build())).isFalse();
  }

  @Test
  void malformedExpressionsAreNamed() {
    assertThat(LabelSelectorMatcher.problem(expr("app", "In"))).isEqualTo(
        "spec.selector.matchExpressions[0].values: required for operator In");
    assertThat(LabelSelectorMatcher.problem(expr("app", "Exists", "x"))).isEqualTo(
        "spec.selector.matchExpressions[0].values: must be empty for operator Exists");
    assertThat(LabelSelectorMatcher.problem(expr("app", "Like", "x"))).isEqualTo(
        "spec.selector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, not 'Like'");
  }

  private static LabelSelectorBuilder sel() {
    return new LabelSelectorBuilder();
  }

  private static LabelSelector expr(String key, String op, String... values) {
    return sel().addNewMatchExpression().withKey(key).withOperator(op).withValues(values).endMatchExpression().build();
  }
}
