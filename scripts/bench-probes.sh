#!/usr/bin/env bash
# Builds the operator's test classes and runs the probe benchmark (loopback only, stops by itself):
# plain httpGet against a raw NIO loop, then httpGet with expect.cel, then grpc health checks.
#   scripts/bench-probes.sh [--probes 5000] [--lag-probes 1000] [--seconds 5] [--concurrency 64]
# PIN_CPU=0 scripts/bench-probes.sh ...   runs the whole JVM pinned to CPU 0 (taskset).
# MVN_OPTS="-o" forces offline Maven. By default Maven tries offline first and goes online only
# for what is not cached yet (a fresh machine has neither the dependencies nor the dependency plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
# mvn_cached ARGS...: offline when everything is cached, else online once (unless MVN_OPTS is set)
mvn_cached() {
  if [[ -n "${MVN_OPTS+x}" ]]; then
    mvn -B -q $MVN_OPTS "$@"
  elif ! mvn -B -q -o "$@" >/dev/null 2>&1; then
    echo "bench-probes: not everything is in the local Maven repository yet: fetching (mvn $*)" >&2
    mvn -B -q "$@"
  fi
}
mvn_cached -pl operator -am test-compile -Dprocservice.realCluster.skip=true
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn_cached -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
[[ -s "$cp_file" ]] || { echo "bench-probes: could not work out the test classpath" >&2; exit 1; }
CP="operator/target/test-classes:operator/target/classes:$(cat "$cp_file")"
launcher=()
if [[ -n "${PIN_CPU:-}" ]]; then
  launcher=(taskset -c "$PIN_CPU")
fi
echo "nproc: $(nproc)"
java -version 2>&1 | head -1
exec "${launcher[@]}" java -Xms256m -Xmx512m -XX:+UseParallelGC \
  -Dlogback.configurationFile=scripts/bench-logback.xml \
  -cp "$CP" tf.ourworld.hero.procservice.probe.bench.ProbeBenchmark "$@"
