package tf.ourworld.hero.procservice.realcluster;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs a real control plane (scripts/cluster.sh): tagged {@code real-cluster},
 * run by the Maven execution of that name, skipped loudly without PROCSERVICE_TEST_KUBECONFIG and
 * failed without it when CI=true.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("real-cluster")
@ExtendWith(RealClusterExtension.class)
public @interface RealClusterTest {
}
