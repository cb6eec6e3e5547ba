package tf.ourworld.hero.procservice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the operator against the current kubeconfig or the in-cluster config. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the operator against the current kubeconfig or in-cluster config.")
public class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
