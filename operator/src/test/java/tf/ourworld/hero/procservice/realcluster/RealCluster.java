package tf.ourworld.hero.procservice.realcluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ValidationPolicy;

/**
 * The real control plane the {@link RealClusterTest}s run against: its kubeconfig (admin), clients,
 * the CRD, scratch namespaces, and an API server restart through scripts/cluster.sh.
 */
public final class RealCluster {
  public static final String ENV = "PROCSERVICE_TEST_KUBECONFIG";
  public static final Path CRD_FILE = projectRoot().resolve("crds/procservices.hero.ourworld.tf-v1.yml");
  public static final Path POLICY_FILE = projectRoot().resolve(ValidationPolicy.COMMITTED_PATH);

  private RealCluster() {
  }

  static String kubeconfigSetting() {
    String v = System.getenv(ENV);
    if (v == null || v.isBlank()) {
      v = System.getProperty("procservice.test.kubeconfig");
    }
    return v == null || v.isBlank() ? null : v;
  }

  public static Path kubeconfig() {
    String v = kubeconfigSetting();
    if (v == null) {
      throw new IllegalStateException(ENV + " is not set");
    }
    return Path.of(v).toAbsolutePath();
  }

  /** The state dir of scripts/cluster.sh: the kubeconfig's directory. */
  public static Path clusterDir() {
    return kubeconfig().getParent();
  }

  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  public static Config config(Path kubeconfig) {
    try {
      return Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + kubeconfig, e);
    }
  }

  /** A client as the cluster's admin (system:masters). */
  public static KubernetesClient adminClient() {
    return new KubernetesClientBuilder().withConfig(config(kubeconfig())).build();
  }

  /**
   * The deploy/ identity of the operator: its namespace, ServiceAccount and RBAC applied server-side
   * exactly as shipped, and a client authenticating with a bound token of that ServiceAccount.
   */
  public static KubernetesClient operatorClient(KubernetesClient admin) {
    for (String f : List.of("deploy/namespace.yaml", "deploy/serviceaccount.yaml", "deploy/rbac.yaml")) {
      try (InputStream in = Files.newInputStream(projectRoot().resolve(f))) {
        for (var item : admin.load(in).items()) {
          admin.resource(item).fieldManager("procservice-tests").forceConflicts().serverSideApply();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    var token = admin.serviceAccounts().inNamespace("procservice-system").withName("procservice-operator")
        .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
            .withExpirationSeconds(7200L).endSpec().build());
    Config admincfg = config(kubeconfig());
    // From Config.empty(): a plain ConfigBuilder auto-configures from $KUBECONFIG and would add the
    // admin's client certificate, which the API server then prefers over the token.
    Config c = new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty()).withMasterUrl(admincfg.getMasterUrl())
        .withCaCertFile(admincfg.getCaCertFile()).withCaCertData(admincfg.getCaCertData())
        .withOauthToken(token.getStatus().getToken()).withNamespace("procservice-system").build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(c).build();
    // really the ServiceAccount (a SelfSubjectReview says who the API server sees)
    String who = client.raw("/apis/authentication.k8s.io/v1/selfsubjectreviews", "POST",
        Map.of("apiVersion", "authentication.k8s.io/v1", "kind", "SelfSubjectReview"));
    if (who == null || !who.contains("\"system:serviceaccount:procservice-system:procservice-operator\"")) {
      client.close();
      throw new IllegalStateException("the operator's client is not deploy/'s ServiceAccount: " + who);
    }
    return client;
  }

  /** Installs (server-side apply) the generated CRD and waits until it is Established. */
  public static CustomResourceDefinition installCrd(KubernetesClient client) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CRD_FILE)) {
      crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    client.apiextensions().v1().customResourceDefinitions().resource(crd).fieldManager("procservice-tests")
        .forceConflicts().serverSideApply();
    await("CRD " + ProcService.CRD_NAME + " Established").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> established(client));
    installPolicy(client);
    return client.apiextensions().v1().customResourceDefinitions().withName(ProcService.CRD_NAME).get();
  }

  /**
   * The spec rules' ValidatingAdmissionPolicy and binding, as committed, applied; returns once the
   * API server enforces them (its admission plugin picks policies up from a watch): a dry-run
   * create of a spec only the policy refuses is refused.
   */
  public static void installPolicy(KubernetesClient client) {
    try (InputStream in = Files.newInputStream(POLICY_FILE)) {
      for (var o : client.load(in).items()) {
        client.resource(o).fieldManager("procservice-tests").forceConflicts().serverSideApply();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    await("ValidatingAdmissionPolicy " + ValidationPolicy.NAME + " enforced").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> policyEnforced(client));
  }

  /** A ProcService as a generic resource: a spec the model may not be able to hold. */
  public static io.fabric8.kubernetes.api.model.GenericKubernetesResource procService(String ns, String name, Object spec) {
    var r = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    r.setApiVersion(ProcService.GROUP + "/" + ProcService.VERSION);
    r.setKind("ProcService");
    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  static boolean policyEnforced(KubernetesClient client) {
    // valid for the CRD's schema, refused only by the policy: runtime Track without a selector
    var r = procService("default", "policy-probe", Map.of("runtime", "Track"));
    try {
      client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService")
          .inNamespace("default").resource(r).dryRun().create();
      return false;
    } catch (KubernetesClientException e) {
      return e.getCode() == 422 && e.getMessage().contains("selector is required for runtime Track");
    }
  }

  static boolean established(KubernetesClient client) {
    CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions()
        .withName(ProcService.CRD_NAME).get();
    return c != null && c.getStatus() != null && c.getStatus().getConditions() != null
        && c.getStatus().getConditions().stream()
            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
  }

  /** The config watching only the given namespaces (tests share the cluster). */
  public static OperatorConfig watching(OperatorConfig c, String... namespaces) {
    return new OperatorConfig(java.util.Set.of(namespaces), c.labelSelector(), c.processRuntimeEnabled(), c.allowExec(),
        c.stateDir(), c.socketRoots(), c.httpPort(), c.leaderElection(), c.leaseName(), c.leaseNamespace(),
        c.probeConcurrency(), c.reconcileThreads(), c.logFormat(), c.stableResetAfter(), c.allowEnv(), c.agentImage());
  }

  /**
   * Changes a ProcService as a user's read-modify-write does, retried on 409 Conflict with a fresh
   * read (client-go's RetryOnConflict): the operator writes /status concurrently, and each of its
   * writes moves the resourceVersion that fabric8's edit sends as a precondition.
   */
  public static ProcService edit(KubernetesClient client, String namespace, String name, UnaryOperator<ProcService> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(ProcService.class).inNamespace(namespace).withName(name).edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes every ProcService of the namespace and waits until they are gone: call it while the
   * operator still runs, so that it removes its finalizer (else the namespace can never be deleted).
   */
  public static void deleteProcServices(KubernetesClient client, String namespace) {
    client.resources(ProcService.class).inNamespace(namespace).delete();
    await("ProcServices of " + namespace + " deleted (finalizer removed by the operator)").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.resources(ProcService.class).inNamespace(namespace).list().getItems().isEmpty());
  }

  /** Creates a namespace with a unique name (prefix-xxxxxx) and the given labels. */
  public static String createNamespace(KubernetesClient client, String prefix, Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    client.namespaces().resource(ns).create();
    // the ServiceAccount controller makes "default" soon after; pods and tokens need it
    await("ServiceAccount " + name + "/default").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    return name;
  }

  /** kubectl of the built cluster (the cache dir written by scripts/cluster.sh into cluster.env). */
  public static Path kubectl() {
    String bin = System.getenv("K8S_BIN");
    if (bin == null || bin.isBlank()) {
      bin = clusterEnv("K8S_BIN");
    }
    return Path.of(bin, "kubectl");
  }

  static String clusterEnv(String key) {
    try {
      for (String line : Files.readAllLines(clusterDir().resolve("cluster.env"))) {
        String prefix = "export " + key + "=";
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + clusterDir().resolve("cluster.env"), e);
    }
    throw new IllegalStateException(key + " not in " + clusterDir().resolve("cluster.env"));
  }

  /** Stops kube-apiserver and starts it again (scripts/cluster.sh restart-apiserver); blocks until ready. */
  public static void restartApiServer() {
    run(Duration.ofSeconds(120), List.of(projectRoot().resolve("scripts/cluster.sh").toString(), "restart-apiserver"));
  }

  /** Runs a command with CLUSTER_DIR and KUBECONFIG of this cluster; returns its stdout; fails on exit != 0. */
  public static String run(Duration timeout, List<String> command) {
    try {
      Path out = Files.createTempFile("procservice-test", ".out");
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
          .redirectOutput(out.toFile());
      pb.environment().put("CLUSTER_DIR", clusterDir().toString());
      pb.environment().put("KUBECONFIG", kubeconfig().toString());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within " + timeout + ": "
            + Files.readString(out, StandardCharsets.UTF_8));
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
