package tf.ourworld.hero.procservice.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The repository carries no file that .gitignore says should not be there (runtime state such as
 * .procservice/, build output): a fresh clone starts clean. Skipped outside a git checkout (a
 * source tarball) or without git.
 */
class TrackedFilesTest {
  @Test
  void noTrackedFileIsIgnored() throws Exception {
    Path root = ReferenceDocTest.root();
    assumeTrue(run(root, "git", "rev-parse", "--is-inside-work-tree").equals(List.of("true")),
        "not a git checkout (or no git): nothing to check");
    List<String> ignoredButTracked = run(root, "git", "ls-files", "-ci", "--exclude-standard");
    assertThat(ignoredButTracked)
        .as("tracked files that .gitignore excludes: remove them from git (git rm --cached)")
        .isEmpty();
  }

  /** The command's output lines, or an empty list when it cannot run or fails. */
  private static List<String> run(Path dir, String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return List.of();
      }
      return out.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
