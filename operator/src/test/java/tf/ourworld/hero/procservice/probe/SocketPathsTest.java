package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketPathsTest {
  @TempDir
  Path tmp;

  @Test
  void relativePathResolvesUnderTheRuntimeDirEvenBeforeTheSocketExists() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ns/svc"));
    assertThat(SocketPaths.resolve("rpc.sock", dir, List.of())).isEqualTo(dir.resolve("rpc.sock"));
    assertThat(SocketPaths.resolve("sub/./ui.sock", dir, List.of())).isEqualTo(dir.resolve("sub/ui.sock"));
  }

  @Test
  void runtimeDirThatDoesNotExistYetIsFine() {
    Path dir = tmp.resolve("not/yet/created");
    assertThat(SocketPaths.resolve("rpc.sock", dir, List.of())).isEqualTo(dir.resolve("rpc.sock"));
  }

  @Test
  void dotDotIsRejected() {
    assertThatThrownBy(() -> SocketPaths.resolve("../other/rpc.sock", tmp, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> SocketPaths.resolve("a/../rpc.sock", tmp, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
  }

  @Test
  void symlinkedDirectoryOutOfTheRuntimeDirIsRejected() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("svc"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("link"), outside);
    assertThatThrownBy(() -> SocketPaths.resolve("link/rpc.sock", dir, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes the runtime dir through a symlink");
  }

  @Test
  void socketThatIsASymlinkOutOfTheRuntimeDirIsRejected() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("svc"));
    Files.createSymbolicLink(dir.resolve("rpc.sock"), tmp.resolve("elsewhere.sock")); // dangling
    assertThatThrownBy(() -> SocketPaths.resolve("rpc.sock", dir, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symlink");
  }

  @Test
  void symlinkInsideTheRuntimeDirIsFine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("svc"));
    Files.createDirectories(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    assertThat(SocketPaths.resolve("link/rpc.sock", dir, List.of())).isEqualTo(dir.resolve("link/rpc.sock"));
  }

  @Test
  void absolutePathMustBeUnderASocketRoot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("run"));
    Path dir = Files.createDirectories(tmp.resolve("svc"));
    assertThat(SocketPaths.resolve(root.resolve("x/rpc.sock").toString(), dir, List.of(root)))
        .isEqualTo(root.resolve("x/rpc.sock"));
    assertThatThrownBy(() -> SocketPaths.resolve("/etc/rpc.sock", dir, List.of(root)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not under an allowed socket root");
    assertThatThrownBy(() -> SocketPaths.resolve(root.toString(), dir, List.of(root)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void absolutePathUnderARootThroughASymlinkOutIsRejected() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("run"));
    Files.createSymbolicLink(root.resolve("out"), Files.createDirectories(tmp.resolve("else")));
    assertThatThrownBy(() -> SocketPaths.resolve(root.resolve("out/rpc.sock").toString(), null, List.of(root)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes the allowed socket roots");
  }

  @Test
  void relativePathWithoutRuntimeDirAndEmptyPathAreRejected() {
    assertThatThrownBy(() -> SocketPaths.resolve("rpc.sock", null, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no runtime dir");
    assertThatThrownBy(() -> SocketPaths.resolve(" ", tmp, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }
}
