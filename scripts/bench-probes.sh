#!/usr/bin/env bash
# Builds the operator's test classes and runs the probe benchmark (loopback only, stops by itself).
#   scripts/bench-probes.sh [--probes 5000] [--lag-probes 1000] [--seconds 5] [--concurrency 64]
# PIN_CPU=0 scripts/bench-probes.sh ...   runs the whole JVM pinned to CPU 0 (taskset).
# MVN_OPTS="" to let Maven go online (default: offline, -o).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_OPTS=${MVN_OPTS--o}
mvn -B -q $MVN_OPTS -pl operator test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q $MVN_OPTS -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
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
