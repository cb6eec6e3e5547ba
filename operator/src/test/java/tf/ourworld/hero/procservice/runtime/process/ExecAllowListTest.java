package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.validation.SpecProblem;

class ExecAllowListTest {
  @TempDir
  Path tmp;
  Path allowedDir;
  Path otherDir;
  Path hero;
  Path evil;

  @BeforeEach
  void setUp() throws IOException {
    allowedDir = Files.createDirectories(tmp.resolve("opt/hero/bin")).toRealPath();
    otherDir = Files.createDirectories(tmp.resolve("usr/bin")).toRealPath();
    hero = executable(allowedDir.resolve("hero_x"));
    evil = executable(otherDir.resolve("python3"));
  }

  private ExecAllowList allow(String path, String... patterns) {
    return new ExecAllowList(List.of(patterns), path);
  }

  private static Path executable(Path p) throws IOException {
    Files.writeString(p, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void absoluteCommandMatchingAGlobIsAllowedAsItsRealPath() {
    ExecAllowList.Resolution r = allow("", allowedDir + "/*").resolve(hero.toString());
    assertThat(r.allowed()).isTrue();
    assertThat(r.path()).isEqualTo(hero);
  }

  @Test
  void plainPathPatternAllowsExactlyThatFile() throws IOException {
    Path sibling = executable(allowedDir.resolve("hero_y"));
    ExecAllowList list = allow("", hero.toString());
    assertThat(list.resolve(hero.toString()).allowed()).isTrue();
    assertThat(list.resolve(sibling.toString()).allowed()).isFalse();
  }

  @Test
  void bareNameIsLookedUpOnPath() {
    ExecAllowList.Resolution r = allow(allowedDir.toString(), allowedDir + "/*").resolve("hero_x");
    assertThat(r.path()).isEqualTo(hero);
  }

  @Test
  void commandOutsideTheListIsRefusedWithFieldCommandAndFlag() {
    SpecProblem p = allow("", allowedDir + "/*").resolve(evil.toString()).problem("spec.processes[0].command[0]");
    assertThat(p.reason()).isEqualTo(Reason.CommandNotAllowed);
    assertThat(p.message()).isEqualTo("spec.processes[0].command[0]: " + evil
        + " is not allowed by this operator (--allow-exec)");
  }

  @Test
  void relativePathsWithSlashAreRefused() {
    ExecAllowList list = allow(allowedDir.toString(), allowedDir + "/*", "/**");
    for (String cmd : List.of("./hero_x", "../bin/hero_x", "bin/hero_x", "opt/hero/bin/hero_x")) {
      ExecAllowList.Resolution r = list.resolve(cmd);
      assertThat(r.allowed()).as(cmd).isFalse();
      assertThat(r.reason()).as(cmd).isEqualTo(Reason.CommandNotAllowed);
      assertThat(r.detail()).as(cmd).contains("relative path");
    }
  }

  @Test
  void dotDotOutOfTheAllowedDirIsJudgedByTheRealPath() {
    String sneaky = allowedDir + "/../../../usr/bin/python3";
    ExecAllowList.Resolution r = allow("", allowedDir + "/*").resolve(sneaky);
    assertThat(r.allowed()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.CommandNotAllowed);
    assertThat(r.detail()).contains("resolves to " + evil);
  }

  @Test
  void symlinkInsideAllowedDirToAForbiddenBinaryIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(allowedDir.resolve("py"), evil);
    ExecAllowList list = allow(allowedDir.toString(), allowedDir + "/*");
    assertThat(list.resolve(link.toString()).allowed()).isFalse();
    assertThat(list.resolve("py").allowed()).isFalse();
    assertThat(list.resolve("py").detail()).contains("resolves to " + evil);
  }

  @Test
  void earlierPathEntryWithSameNamedBinaryIsNotSkippedButRefused() throws IOException {
    executable(otherDir.resolve("hero_x"));
    ExecAllowList list = allow(otherDir + ":" + allowedDir, allowedDir + "/*");
    ExecAllowList.Resolution r = list.resolve("hero_x");
    assertThat(r.allowed()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.CommandNotAllowed);
    assertThat(r.detail()).contains(otherDir.resolve("hero_x").toString());
  }

  @Test
  void relativeAndEmptyPathEntriesAreNeverSearched() {
    // "" and "." would mean the operator's current directory.
    ExecAllowList list = allow(":.:relative", "/**");
    assertThat(list.resolve("hero_x").reason()).isEqualTo(Reason.CommandNotFound);
  }

  @Test
  void globsDoNotMatchMoreThanTheyShould() throws IOException {
    Path nested = executable(Files.createDirectories(allowedDir.resolve("sub")).resolve("hero_x"));
    Path lookalikeDir = Files.createDirectories(tmp.resolve("opt/hero/binx"));
    Path lookalike = executable(lookalikeDir.resolve("hero_x"));
    Path other = executable(allowedDir.resolve("other"));
    ExecAllowList star = allow("", allowedDir + "/*");
    assertThat(star.resolve(nested.toString()).allowed()).as("* does not cross /").isFalse();
    ExecAllowList prefix = allow("", allowedDir + "/hero_*");
    assertThat(prefix.resolve(other.toString()).allowed()).isFalse();
    assertThat(prefix.resolve(hero.toString()).allowed()).isTrue();
    assertThat(star.resolve(lookalike.toString()).allowed()).as("bin/* is not binx/*").isFalse();
  }

  @Test
  void globWhoseDirectoryIsASymlinkMatchesTheRealDirectory() throws IOException {
    Path linkDir = Files.createSymbolicLink(tmp.resolve("bin"), allowedDir);
    ExecAllowList list = allow("", linkDir + "/*");
    assertThat(list.resolve(linkDir.resolve("hero_x").toString()).allowed()).isTrue();
  }

  @Test
  void emptyAndBlankCommandsAreInvalid() {
    ExecAllowList list = allow(allowedDir.toString(), "/**");
    for (String cmd : new String[] {null, "", "  "}) {
      assertThat(list.resolve(cmd).reason()).isEqualTo(Reason.InvalidSpec);
      assertThat(list.resolve(cmd).detail()).isEqualTo("must not be empty");
    }
  }

  @Test
  void missingCommandIsNotFound() {
    ExecAllowList list = allow(allowedDir.toString(), allowedDir + "/*");
    assertThat(list.resolve("hero_missing").problem("spec.processes[0].command[0]").message())
        .isEqualTo("spec.processes[0].command[0]: command hero_missing not found on PATH");
    assertThat(list.resolve(allowedDir + "/hero_missing").reason()).isEqualTo(Reason.CommandNotFound);
  }

  @Test
  void fileThatIsNotExecutableIsRefused() throws IOException {
    Path plain = Files.writeString(allowedDir.resolve("notes"), "x");
    ExecAllowList.Resolution r = allow("", allowedDir + "/*").resolve(plain.toString());
    assertThat(r.allowed()).isFalse();
    assertThat(r.detail()).contains("not an executable file");
  }

  @Test
  void nothingIsAllowedWithoutPatterns() {
    assertThat(allow("", new String[0]).resolve(hero.toString()).reason()).isEqualTo(Reason.CommandNotAllowed);
  }

  @Test
  void directoryPatternIsAConfigurationErrorThatSuggestsAGlob() {
    assertThatThrownBy(() -> allow("", allowedDir.toString())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--allow-exec " + allowedDir + " is a directory: use " + allowedDir + "/* to allow the programs in it");
  }

  @Test
  void relativePatternsAreAConfigurationError() {
    assertThatThrownBy(() -> allow("", "bin/*")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--allow-exec bin/*");
  }
}
