package tf.ourworld.hero.procservice.runtime.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorIndexTest {
  final SelectorIndex index = new SelectorIndex();
  final ResourceID shop = new ResourceID("shop", "a");
  final ResourceID cart = new ResourceID("cart", "a");
  final ResourceID other = new ResourceID("shop", "b");
  final ResourceID expr = new ResourceID("expr", "a");

  static LabelSelector labels(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }

  @Test
  void findsTheServicesWhoseWholeSelectorMatchesInTheirNamespaceOnly() {
    index.put(shop, labels(Map.of("app", "shop", "tier", "web")));
    index.put(cart, labels(Map.of("app", "cart")));
    index.put(other, labels(Map.of("app", "shop")));
    index.put(expr, new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("In")
        .withValues("web").endMatchExpression().build());

    assertThat(index.selecting("a", Map.of("app", "shop", "tier", "web", "x", "y"))).containsExactlyInAnyOrder(shop, expr);
    assertThat(index.selecting("a", Map.of("app", "shop"))).isEmpty();   // tier missing: neither shop nor expr
    assertThat(index.selecting("a", Map.of("app", "cart"))).containsExactly(cart);
    assertThat(index.selecting("b", Map.of("app", "shop", "tier", "web"))).containsExactly(other);
    assertThat(index.selecting("a", null)).isEmpty();
  }

  @Test
  void aChangedSelectorIsRefiledAndARemovedOneIsGone() {
    index.put(shop, labels(Map.of("app", "shop")));
    index.put(shop, labels(Map.of("app", "store")));
    assertThat(index.selecting("a", Map.of("app", "shop"))).isEmpty();
    assertThat(index.selecting("a", Map.of("app", "store"))).containsExactly(shop);

    index.put(shop, new LabelSelectorBuilder().addNewMatchExpression().withKey("app").withOperator("Exists")
        .endMatchExpression().build());
    assertThat(index.selecting("a", Map.of("app", "anything"))).containsExactly(shop);

    index.put(shop, null);
    assertThat(index.selecting("a", Map.of("app", "anything"))).isEmpty();
    index.put(cart, labels(Map.of("app", "cart")));
    index.remove(cart);
    assertThat(index.selecting("a", Map.of("app", "cart"))).isEmpty();
    assertThat(index.size()).isZero();
  }

  @Test
  void anEmptySelectorSelectsNothing() {
    index.put(shop, new LabelSelector());
    assertThat(index.selecting("a", Map.of("app", "shop"))).isEmpty();
    assertThat(index.size()).isZero();
  }
}
