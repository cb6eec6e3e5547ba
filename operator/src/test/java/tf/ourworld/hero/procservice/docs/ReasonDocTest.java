package tf.ourworld.hero.procservice.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.Reason;

/** docs/status.md has a row for every reason the operator writes, in the state it goes with. */
class ReasonDocTest {

  @Test
  void everyReasonHasARowWithItsState() throws Exception {
    String page = Files.readString(ReferenceDocTest.root().resolve("docs/status.md"), StandardCharsets.UTF_8);
    String doc = page.substring(page.indexOf("## Reasons"));
    for (Reason r : Reason.values()) {
      String state = r.state() == null ? "—" : r.state().name();
      Matcher row = Pattern.compile("(?m)^\\| ([A-Za-z /]*\\b" + r.name() + "\\b[A-Za-z /]*) \\| ([^|]+) \\|").matcher(doc);
      assertThat(row.find()).as("docs/status.md row for reason %s", r).isTrue();
      assertThat(row.group(2).trim()).as("state of %s in docs/status.md", r).isEqualTo(state);
    }
  }
}
