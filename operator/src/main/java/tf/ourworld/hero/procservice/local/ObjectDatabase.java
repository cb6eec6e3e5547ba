package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded API's objects on disk: one SQLite file (WAL journal), each change committed before
 * the API answers (how durably: {@link #SYNCHRONOUS}), with the highest resourceVersion handed out
 * so far. A file that SQLite cannot read, that fails its integrity check, that holds
 * something else, or that a newer schema wrote is refused with an {@link UnusableException}; it
 * is never rewritten or discarded.
 */
public final class ObjectDatabase implements AutoCloseable {
  /**
   * How durable a commit is, decided here and explained in docs/local.md ("Why no fsync per
   * write"). Our bar: every acknowledged write survives a SIGKILL of the process at any instant.
   * In WAL mode with {@code synchronous=NORMAL} a commit is in the WAL file, so with the operating
   * system, before it returns and the API answers: a killed process loses nothing. A power cut may
   * lose what is not fsynced yet, so a checkpoint every {@link #CHECKPOINT_INTERVAL} (when anything
   * was written) fsyncs the WAL and copies it into the database: at most about the last second of
   * writes. {@code FULL} (an fsync per commit) closes that second, but each fsync is taken under
   * the store's write lock and waits behind every other disk writer: kubectl's 1,000 DELETEs took
   * 1.1-4.7 s (23-124 %) longer with it in three runs on a loaded machine (docs/benchmarks.md).
   */
  private static final String SYNCHRONOUS = "NORMAL";
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
  /** The schema this code writes ({@code PRAGMA user_version}); a higher one is refused. */
  public static final int SCHEMA_VERSION = 1;

  /** The store cannot be used as it is; the message says why and what to do. */
  public static final class UnusableException extends IllegalStateException {
    UnusableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One stored object: the request path it was written through (the CRUD store keys by it) and its JSON. */
  public record Stored(String key, String path, String json, long resourceVersion, boolean crd) {
  }

  private final Path file;
  private final Connection db;
  private final ScheduledExecutorService checkpoints;
  private long resourceVersion;
  /** Whether something was committed since the last checkpoint. */
  private boolean unsynced;

  private ObjectDatabase(Path file, Connection db, long resourceVersion, Duration checkpointInterval) {
    this.file = file;
    this.db = db;
    this.resourceVersion = resourceVersion;
    this.checkpoints = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-store-checkpoint");
      t.setDaemon(true);
      return t;
    });
    long every = checkpointInterval.toMillis();
    checkpoints.scheduleWithFixedDelay(this::checkpoint, every, every, TimeUnit.MILLISECONDS);
  }

  /** Opens (or creates) the store in {@code file}, checking that it is whole and of a schema we know. */
  public static ObjectDatabase open(Path file) {
    return open(file, CHECKPOINT_INTERVAL);
  }

  /** As {@link #open(Path)}, with checkpoints at another interval (tests). */
  static ObjectDatabase open(Path file, Duration checkpointInterval) {
    boolean existed = Files.exists(file);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (IOException e) {
      throw unusable(file, "cannot create its directory: " + e.getMessage(), e);
    }
    Connection db;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (SQLException e) {
      throw unusable(file, e.getMessage(), e);
    }
    try {
      int version;
      try (Statement s = db.createStatement()) {
        // Reading the header first: a file that is not a database fails here, before anything is written.
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
          throw unusable(file, "it was written by a newer procservice (store schema " + version
              + ", this one knows up to " + SCHEMA_VERSION + "); run that version, or move the file aside", null);
        }
        try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
          String result = rs.next() ? rs.getString(1) : "no answer";
          if (!"ok".equals(result)) {
            throw unusable(file, "it is damaged (integrity check: " + result + ")", null);
          }
        }
        if (version == 0) {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            if (rs.next() && rs.getInt(1) > 0) {
              throw unusable(file, "it is an SQLite database, but not one of procservice's", null);
            }
          }
        }
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=" + SYNCHRONOUS);
        if (version == 0) {
          s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
          s.execute("CREATE TABLE objects (key TEXT PRIMARY KEY, path TEXT NOT NULL, json TEXT NOT NULL,"
              + " resource_version INTEGER NOT NULL)");
          s.execute("INSERT INTO meta (key, value) VALUES ('resourceVersion', '0')");
          s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
        }
      }
      long rv;
      try (Statement s = db.createStatement();
           ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'resourceVersion'")) {
        if (!rs.next()) {
          throw unusable(file, "it has no resourceVersion record (damaged)", null);
        }
        rv = Long.parseLong(rs.getString(1));
      } catch (NumberFormatException e) {
        throw unusable(file, "its resourceVersion record is not a number (damaged)", e);
      }
      db.setAutoCommit(false);
      return new ObjectDatabase(file, db, rv, checkpointInterval);
    } catch (SQLException e) {
      closeQuietly(db);
      throw unusable(file, (existed ? "" : "cannot create it: ") + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(db);
      throw e;
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The highest resourceVersion handed out by any run on this store. */
  public synchronized long resourceVersion() {
    return resourceVersion;
  }

  /** Every stored object, CRDs first (the objects of a custom resource need its definition), then by resourceVersion. */
  public synchronized List<Stored> objects() {
    List<Stored> all = new ArrayList<>();
    try (Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("SELECT key, path, json, resource_version FROM objects")) {
      while (rs.next()) {
        String key = rs.getString(1);
        String json = rs.getString(3);
        JsonNode node;
        try {
          node = Serialization.jsonMapper().readTree(json);
        } catch (IOException e) {
          throw unusable(file, "object " + key + " is not valid JSON (damaged): " + e.getMessage(), e);
        }
        all.add(new Stored(key, rs.getString(2), json, rs.getLong(4),
            "CustomResourceDefinition".equals(node.path("kind").asText())));
      }
    } catch (SQLException e) {
      throw unusable(file, e.getMessage(), e);
    }
    all.sort(Comparator.comparing((Stored o) -> !o.crd()).thenComparingLong(Stored::resourceVersion));
    return all;
  }

  /** Stores (creates or replaces) one object and commits; returns only once it is on disk. */
  public synchronized void put(String key, String path, String json, long rv) {
    try (PreparedStatement p = db.prepareStatement(
        "INSERT INTO objects (key, path, json, resource_version) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT(key) DO UPDATE SET path = excluded.path, json = excluded.json,"
            + " resource_version = excluded.resource_version")) {
      p.setString(1, key);
      p.setString(2, path);
      p.setString(3, json);
      p.setLong(4, rv);
      p.executeUpdate();
      advance(rv);
      db.commit();
      unsynced = true;
    } catch (SQLException e) {
      rollback();
      throw new IllegalStateException("Cannot write " + key + " to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes one object and commits, recording {@code rv} (the deletion's resourceVersion). */
  public synchronized void delete(String key, long rv) {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM objects WHERE key = ?")) {
      p.setString(1, key);
      p.executeUpdate();
      advance(rv);
      db.commit();
      unsynced = true;
    } catch (SQLException e) {
      rollback();
      throw new IllegalStateException("Cannot delete " + key + " from " + file + ": " + e.getMessage(), e);
    }
  }

  private void advance(long rv) throws SQLException {
    if (rv <= resourceVersion) {
      return;
    }
    try (PreparedStatement p = db.prepareStatement("UPDATE meta SET value = ? WHERE key = 'resourceVersion'")) {
      p.setString(1, Long.toString(rv));
      p.executeUpdate();
    }
    resourceVersion = rv;
  }

  private void rollback() {
    try {
      db.rollback();
    } catch (SQLException e) {
      // the connection is broken; the next write reports it
    }
  }

  /**
   * Fsyncs what was committed since the last call and copies it into the database file (an SQLite
   * checkpoint); returns whether there was anything. Runs every {@link #CHECKPOINT_INTERVAL}.
   */
  synchronized boolean checkpoint() {
    if (!unsynced) {
      return false;
    }
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
      unsynced = false;
      return true;
    } catch (SQLException e) {
      return false; // tried again at the next interval; a broken connection fails the next write
    }
  }

  @Override
  public synchronized void close() {
    checkpoints.shutdownNow();
    checkpoint();
    closeQuietly(db);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // nothing left to do
    }
  }

  private static UnusableException unusable(Path file, String why, Throwable cause) {
    return new UnusableException("The embedded API's store " + file + " cannot be used: " + why
        + ". It was left as it is: move it aside to start with an empty API (the manifests you name are applied"
        + " again), or run with --ephemeral to keep objects in memory only.", cause);
  }
}
