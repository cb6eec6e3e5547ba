package tf.ourworld.hero.procservice.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks recorded API requests against the shipped RBAC rules, both ways: every request is
 * allowed (else the operator gets 403 in a cluster), and every granted verb is used (else the
 * role grants more than needed), apart from grants listed with the reason they are not exercised.
 */
public final class RbacAudit {
  /** The plain manifests' RBAC, relative to the project root. */
  public static final String DEPLOY_RBAC = "deploy/rbac.yaml";

  /**
   * Grants the tests cannot exercise, each with why it is needed. Keys are
   * {@code verb resource[.group]} as {@link RbacRules.Grant} prints them without the scope.
   */
  public static final Map<String, String> NOT_EXERCISED = Map.of(
      "get leases.coordination.k8s.io", "leader election (--leader-election), not run against the mock server"
          + " (LeaderElectionRealClusterIT runs it on a real one)",
      "create leases.coordination.k8s.io", "leader election creates the Lease on first start",
      "update leases.coordination.k8s.io", "never sent, but JOSDK checks it with a SelfSubjectAccessReview before"
          + " electing and refuses to start without it (LeaderElectionRealClusterIT)",
      "patch leases.coordination.k8s.io", "leader election renews and takes over the Lease with a PATCH (fabric8"
          + " ResourceLock.update); exercised by LeaderElectionRealClusterIT on a real API server",
      "update procservices/finalizers.hero.ourworld.tf",
      "checked by admission (OwnerReferencesPermissionEnforcement) when a Pod names its ProcService as"
          + " owner with blockOwnerDeletion, never a request of its own",
      "get secrets", "the probe agent's token Secret (unix-socket probes of Pod services), not run against the"
          + " mock server: ProbeAgentRealClusterIT runs it on a real one, where scripts/rbac-audit.sh sees it",
      "create secrets", "the probe agent's token Secret, made before the first pod that mounts it"
          + " (ProbeAgentRealClusterIT)",
      "get procservices.hero.ourworld.tf", "JOSDK reads a ProcService again when its finalizer patch meets a 409"
          + " Conflict (ReconciliationDispatcher.conflictRetryingPatch); no test provokes one, and status patches"
          + " no longer read first (StatusWriter)");

  private RbacAudit() {
  }

  /** The project root (Surefire sets {@code project.root}; else the working directory's parent). */
  public static Path projectRoot() {
    String root = System.getProperty("project.root");
    return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** Fails, listing them, when any recorded request is not allowed by the rules in {@code rbacYaml}. */
  public static void assertCovers(Path rbacYaml, List<ApiRequest> requests) {
    RbacRules rules = RbacRules.load(rbacYaml);
    List<String> denied = new ArrayList<>();
    for (ApiRequest r : requests) {
      Optional<ApiRequest.Access> a = r.access();
      if (a.isPresent() && !rules.allows(a.get())) {
        denied.add(a.get() + "   <- " + r);
      }
    }
    if (!denied.isEmpty()) {
      throw new AssertionError(rbacYaml + " does not allow " + denied.size() + " request(s) the operator made:\n  "
          + String.join("\n  ", new LinkedHashSet<>(denied)));
    }
  }

  /**
   * {@link #assertCovers} and, in addition, fails when a grant is used by no request and is not
   * in {@code notExercised} (see {@link #NOT_EXERCISED}), or when {@code notExercised} lists a
   * grant that was in fact used (so the list cannot go stale).
   */
  public static void assertExact(Path rbacYaml, List<ApiRequest> requests, Collection<String> notExercised) {
    assertCovers(rbacYaml, requests);
    RbacRules rules = RbacRules.load(rbacYaml);
    List<ApiRequest.Access> accesses = requests.stream().flatMap(r -> r.access().stream()).toList();
    List<String> unused = new ArrayList<>();
    Set<String> usedButListed = new LinkedHashSet<>();
    for (RbacRules.Grant g : rules.grants()) {
      boolean used = accesses.stream().anyMatch(g::allows);
      String key = unscoped(g);
      if (!used && !notExercised.contains(key)) {
        unused.add(g.toString());
      }
      if (used && notExercised.contains(key)) {
        usedButListed.add(key);
      }
    }
    if (!unused.isEmpty()) {
      throw new AssertionError(rbacYaml + " grants " + unused.size() + " permission(s) no request used; remove them or list"
          + " them with a reason in RbacAudit.NOT_EXERCISED:\n  " + String.join("\n  ", unused)
          + "\nrequests seen:\n  " + accesses.stream().map(Object::toString).distinct().sorted()
              .collect(Collectors.joining("\n  ")));
    }
    if (!usedButListed.isEmpty()) {
      throw new AssertionError("RbacAudit.NOT_EXERCISED lists grants the tests do exercise; drop them from the list: "
          + usedButListed);
    }
  }

  static String unscoped(RbacRules.Grant g) {
    return g.verb() + " " + g.resource() + (g.apiGroup().isEmpty() ? "" : "." + g.apiGroup());
  }
}
