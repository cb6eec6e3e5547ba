package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request the embedded API refuses, with the {@code Status} it answers (404, 409, 422, ...). */
final class ApiError extends RuntimeException {
  private final transient ObjectNode status;

  ApiError(ObjectNode status) {
    super(status.path("message").asText(), null, false, false);
    this.status = status;
  }

  static ApiError of(int code, String reason, String message) {
    return new ApiError(ApiStatus.of(code, reason, message));
  }

  static ApiError notFound(ObjectKey key) {
    return new ApiError(ApiStatus.notFound(key.plural(), key.group(), key.name()));
  }

  int code() {
    return status.path("code").asInt(500);
  }

  ObjectNode status() {
    return status;
  }
}
