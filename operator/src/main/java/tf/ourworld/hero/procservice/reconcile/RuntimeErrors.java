package tf.ourworld.hero.procservice.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** The one-line, bounded text of a failed runtime call, for status and Events (no stack, no body dump). */
final class RuntimeErrors {
  static final int MAX_CHARS = 512;

  private RuntimeErrors() {
  }

  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    String text;
    if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
      text = "API server answered " + k.getCode() + ": " + k.getStatus().getMessage();
    } else {
      text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
    text = "Runtime error: " + text.replaceAll("\\s+", " ").trim();
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS - 3) + "...";
  }
}
