# syntax=docker/dockerfile:1
# The edge daemon: reads the P1 dongle, spools every reading in SQLite, uploads over HTTPS.
# Build from the repository root:  docker build -f deploy/edge.Dockerfile -t p1-edge .
# For a Raspberry Pi (linux/arm64):  docker buildx build --platform linux/arm64 -f deploy/edge.Dockerfile -t p1-edge .
# The edge is compiled to native code (NativeAOT) by a toolchain of the target architecture, so the build
# stage runs on the target platform (natively, or emulated by buildx/QEMU when building for another one).

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TARGETARCH
WORKDIR /src
# NativeAOT links with clang and lld against zlib; the compiler itself comes with the SDK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang lld zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
# Restore first so that the package layer is cached across source edits.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/P1Telemetry.Contracts.csproj src/Contracts/
COPY src/Edge/P1Telemetry.Edge.csproj src/Edge/
RUN dotnet restore src/Edge/P1Telemetry.Edge.csproj -a $TARGETARCH
COPY src/Contracts/ src/Contracts/
COPY src/Edge/ src/Edge/
# One native binary (plus SQLite's library next to it): no .NET runtime in the final image.
RUN dotnet publish src/Edge/P1Telemetry.Edge.csproj -c Release -a $TARGETARCH --no-restore -o /app \
 && mkdir -p /data

# Distroless: glibc, OpenSSL and the CA certificates, no shell or package manager; its user "app" is 1654.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS final
WORKDIR /app
# The meter's clock is local time (TIMEZONE); the chiseled image carries no time zone database.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /app ./
# The spool lives on a volume owned by the unprivileged user the image ships with (APP_UID, 1654).
COPY --from=build --chown=1654:1654 /data /data
ENV SPOOL_PATH=/data/spool.db \
    HEALTH_PATH=/data/health.json
VOLUME ["/data"]
USER 1654:1654
# The daemon flushes its spool on SIGTERM within SHUTDOWN_FLUSH_S; give it longer than that to stop
# (docker stop -t / stop_grace_period).
STOPSIGNAL SIGTERM
# No shell or curl in the image: the program reports its own health (exit 0 healthy, 1 unhealthy).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/app/p1-edge", "health"]
ENTRYPOINT ["/app/p1-edge"]
