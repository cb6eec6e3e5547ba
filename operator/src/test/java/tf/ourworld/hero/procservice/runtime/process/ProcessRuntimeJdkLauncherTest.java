package tf.ourworld.hero.procservice.runtime.process;

/** Every {@link ProcessRuntimeTest} again, with the fallback launcher (ProcessBuilder via setsid). */
class ProcessRuntimeJdkLauncherTest extends ProcessRuntimeTest {
  @Override
  ProcessLauncher launcher() {
    return new JdkProcessLauncher();
  }
}
