package tf.ourworld.hero.procservice.local;

import java.nio.file.Path;

/**
 * A process that writes objects to an {@link ObjectDatabase} for ever, printing {@code acked N}
 * after each write returns: {@code ObjectDatabaseTest} SIGKILLs it and checks what was acknowledged.
 */
public final class ObjectDatabaseWriter {
  private ObjectDatabaseWriter() {
  }

  public static void main(String[] args) {
    ObjectDatabase db = ObjectDatabase.open(Path.of(args[0]));
    for (long i = 1; ; i++) {
      db.put("/ConfigMap/default/cm-" + i, "/api/v1/namespaces/default/configmaps",
          "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i + "\"}}", i);
      System.out.println("acked " + i);
      System.out.flush();
    }
  }
}
