# syntax=docker/dockerfile:1
# procservice-operator image (docs/image.md). Build from the repository root:
#   docker build -t registry.example.org/hero/procservice-operator:0.1.0 .
# Stage 1 builds the shaded jar with Maven; stage 2 is a distroless Java 17 runtime, non-root.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml ./
COPY operator/pom.xml operator/
RUN mvn -B -q -pl operator dependency:go-offline || true
COPY operator/src operator/src
RUN mvn -B -q -pl operator package -DskipTests

FROM gcr.io/distroless/java17-debian12:nonroot
LABEL org.opencontainers.image.title="procservice-operator" \
      org.opencontainers.image.description="Keeps services actually working: handler probes, not PID liveness."
COPY --from=build /src/operator/target/procservice-operator.jar /app/procservice-operator.jar
COPY operator/jvm.options /app/jvm.options
# distroless "nonroot" is uid/gid 65532, the same the Deployment's securityContext asks for.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/java", "@/app/jvm.options", "-jar", "/app/procservice-operator.jar"]
CMD ["run", "--log-format", "json"]
