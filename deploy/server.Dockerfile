# syntax=docker/dockerfile:1
# The server API (also the image of the one-shot `migrate` service).
# Build from the repository root:  docker build -f deploy/server.Dockerfile -t p1-server .

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/P1Telemetry.Contracts.csproj src/Contracts/
COPY src/Server/P1Telemetry.Server.csproj src/Server/
COPY deploy/HealthProbe/P1Telemetry.HealthProbe.csproj deploy/HealthProbe/
RUN dotnet restore src/Server/P1Telemetry.Server.csproj -a $TARGETARCH \
 && dotnet restore deploy/HealthProbe/P1Telemetry.HealthProbe.csproj -a $TARGETARCH
COPY src/Contracts/ src/Contracts/
COPY src/Server/ src/Server/
COPY deploy/HealthProbe/ deploy/HealthProbe/
RUN dotnet publish src/Server/P1Telemetry.Server.csproj -c Release -a $TARGETARCH --no-restore \
      --self-contained false -o /app \
 && dotnet publish deploy/HealthProbe/P1Telemetry.HealthProbe.csproj -c Release -a $TARGETARCH --no-restore \
      --self-contained false -o /app \
 && mkdir -p /data

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# DATA_DIR is only used in the embedded mode (SQLite, no DATABASE_URL).
COPY --from=build --chown=1654:1654 /data /data
# Plain HTTP inside the container network only: Caddy terminates TLS in front of it and is the only
# published port.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DATA_DIR=/data
EXPOSE 8080
USER 1654:1654
STOPSIGNAL SIGTERM
# Slim images carry no curl or shell: a tiny probe (part of this repository) GETs the liveness endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/app/p1-healthprobe", "http://127.0.0.1:8080/health/live"]
ENTRYPOINT ["/app/p1-server"]
