package tf.ourworld.hero.procservice.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One {@code local} per state dir: an OS lock (fcntl, through {@link FileChannel#tryLock()}) on
 * {@code <state-dir>/local.lock}, which holds the owner's pid and API port for the message a second
 * instance prints. The OS drops the lock when the owner dies, however it dies (kill -9 too), so a
 * stale file never blocks a new start; the file itself stays.
 */
public final class StateDirLock implements AutoCloseable {
  /** The lock file's name in the state dir. */
  public static final String FILE = "local.lock";

  /** Another instance holds the lock; {@code pid}/{@code port} as it wrote them, empty when unknown. */
  public static final class HeldException extends IllegalStateException {
    private final Path stateDir;
    private final String owner;

    HeldException(Path stateDir, String owner) {
      super("another procservice local is running on " + stateDir + " (" + owner + ")");
      this.stateDir = stateDir;
      this.owner = owner;
    }

    /** What the lock file says about its owner, e.g. {@code pid 4242, API on http://127.0.0.1:16080}. */
    public String owner() {
      return owner;
    }

    /** The state dir or kubeconfig the other instance holds. */
    public Path guarded() {
      return stateDir;
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private StateDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code stateDir} (created when missing) at once, or throws {@link HeldException}
   * naming the instance that holds it. Writes nothing while another holds it.
   */
  public static StateDirLock acquire(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    return acquireFile(stateDir.resolve(FILE), stateDir);
  }

  /**
   * Takes the lock of the kubeconfig {@code kubeconfig} ({@code <kubeconfig>.procservice-local.lock}
   * beside it; not {@code <kubeconfig>.lock}, which kubectl creates exclusively while it writes the
   * file), so that two instances on different state dirs do not overwrite each other's kubeconfig.
   */
  public static StateDirLock acquireKubeconfig(Path kubeconfig) throws IOException {
    Path abs = kubeconfig.toAbsolutePath().normalize();
    Files.createDirectories(abs.getParent());
    return acquireFile(abs.resolveSibling(abs.getFileName() + ".procservice-local.lock"), abs);
  }

  private static StateDirLock acquireFile(Path file, Path guarded) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM (tests)
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String owner = describe(read(channel));
      channel.close();
      throw new HeldException(guarded, owner);
    }
    StateDirLock held = new StateDirLock(file, channel, lock);
    held.record("pid " + ProcessHandle.current().pid() + "\n");
    return held;
  }

  /** Records the API's address once it is known, for the message a second instance prints. */
  public void apiUrl(String url) throws IOException {
    record("pid " + ProcessHandle.current().pid() + "\napi " + url + "\n");
  }

  private void record(String content) throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    channel.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  static String describe(String content) {
    Optional<String> pid = field(content, "pid");
    Optional<String> api = field(content, "api");
    return "pid " + pid.orElse("unknown") + ", API " + api.map(u -> "on " + u).orElse("not yet listening");
  }

  private static Optional<String> field(String content, String name) {
    return content.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).trim())
        .filter(v -> !v.isEmpty()).findFirst();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
