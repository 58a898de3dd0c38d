# syntax=docker/dockerfile:1
# The HomeWizard P1 meter simulator, for demos and integration environments without a real dongle.
# Build from the repository root:  docker build -f deploy/simulator.Dockerfile -t p1-meter-simulator .

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/P1Telemetry.Contracts.csproj src/Contracts/
COPY src/MeterSimulator/P1Telemetry.MeterSimulator.csproj src/MeterSimulator/
COPY deploy/HealthProbe/P1Telemetry.HealthProbe.csproj deploy/HealthProbe/
RUN dotnet restore src/MeterSimulator/P1Telemetry.MeterSimulator.csproj -a $TARGETARCH \
 && dotnet restore deploy/HealthProbe/P1Telemetry.HealthProbe.csproj -a $TARGETARCH
COPY src/Contracts/ src/Contracts/
COPY src/MeterSimulator/ src/MeterSimulator/
COPY deploy/HealthProbe/ deploy/HealthProbe/
RUN dotnet publish src/MeterSimulator/P1Telemetry.MeterSimulator.csproj -c Release -a $TARGETARCH --no-restore \
      --self-contained false -o /app \
 && dotnet publish deploy/HealthProbe/P1Telemetry.HealthProbe.csproj -c Release -a $TARGETARCH --no-restore \
      --self-contained false -o /app \
 && mkdir -p /state

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# The generated device CA and certificate persist here; mount a volume to keep them across restarts.
COPY --from=build --chown=1654:1654 /state /state
ENV SIM_BIND=0.0.0.0 \
    SIM_HTTP_PORT=8080 \
    SIM_HTTPS_PORT=8443 \
    SIM_STATE_DIR=/state
EXPOSE 8080 8443
VOLUME ["/state"]
USER 1654:1654
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/app/p1-healthprobe", "http://127.0.0.1:8080/api"]
ENTRYPOINT ["/app/p1-meter-simulator"]
