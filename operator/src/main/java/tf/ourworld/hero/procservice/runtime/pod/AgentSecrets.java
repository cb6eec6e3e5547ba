package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * The per-pod token of the probe agent, in a Secret owned by the ProcService (garbage collected
 * with it) and mounted in the agent's sidecar only. Made once, before the first pod that needs it,
 * from 32 random bytes; after an operator restart it is read back, so the pods already running keep
 * working. Kept in memory after the first read; never logged, never in status or Events.
 */
final class AgentSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final Map<ResourceID, String> tokens = new ConcurrentHashMap<>();

  AgentSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** The token of the service's agent, making its Secret when there is none. */
  String token(ProcService service) {
    ResourceID id = ResourceID.fromResource(service);
    String known = tokens.get(id);
    return known != null ? known : tokens.computeIfAbsent(id, k -> readOrCreate(service));
  }

  /** Reads the Secret again (before a pod is created: it mounts what is there now). */
  String refresh(ProcService service) {
    String token = readOrCreate(service);
    tokens.put(ResourceID.fromResource(service), token);
    return token;
  }

  void forget(ResourceID id) {
    tokens.remove(id);
  }

  private String readOrCreate(ProcService service) {
    String ns = service.getMetadata().getNamespace();
    String name = AgentSidecar.secretName(service);
    Secret existing = client.secrets().inNamespace(ns).withName(name).get();
    if (existing == null) {
      try {
        return tokenOf(client.secrets().inNamespace(ns).resource(secret(service)).create(), service);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = client.secrets().inNamespace(ns).withName(name).get();   // made meanwhile (an earlier try)
      }
    }
    return tokenOf(existing, service);
  }

  private static String tokenOf(Secret secret, ProcService service) {
    String where = "Secret " + service.getMetadata().getNamespace() + "/" + AgentSidecar.secretName(service);
    if (secret == null) {
      throw new IllegalStateException(where + " vanished while it was made: retrying");
    }
    boolean ours = secret.getMetadata().getOwnerReferences() != null && secret.getMetadata().getOwnerReferences()
        .stream().anyMatch(r -> Objects.equals(r.getUid(), service.getMetadata().getUid()));
    if (!ours) {
      throw new IllegalStateException(where + " exists and does not belong to this ProcService: delete or rename it"
          + " (the probe agent keeps its token there)");
    }
    String data = secret.getData() == null ? null : secret.getData().get(AgentSidecar.TOKEN_KEY);
    if (data == null || data.isBlank()) {
      throw new IllegalStateException(where + " has no key '" + AgentSidecar.TOKEN_KEY + "': delete it, the operator"
          + " makes it again");
    }
    return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).trim();
  }

  private static Secret secret(ProcService service) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    OwnerReference owner = PodTemplate.ownerReference(service);
    return new SecretBuilder()
        .withNewMetadata()
          .withName(AgentSidecar.secretName(service))
          .withNamespace(service.getMetadata().getNamespace())
          .addToLabels(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME)
          .addToLabels(ProcService.LABEL_PROCSERVICE, service.getMetadata().getName())
          .withOwnerReferences(owner)
        .endMetadata()
        .withType("Opaque")
        .withImmutable(true)
        .addToData(AgentSidecar.TOKEN_KEY,
            Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
