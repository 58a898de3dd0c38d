using System.Text.Json.Serialization;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>Source-generated JSON for every payload the simulator reads or writes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceInfoResponse))]
[JsonSerializable(typeof(SystemResponse))]
[JsonSerializable(typeof(V2Error))]
[JsonSerializable(typeof(V1Error))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateUserResponse))]
[JsonSerializable(typeof(V2Measurement))]
[JsonSerializable(typeof(IReadOnlyList<V2Measurement>))]
[JsonSerializable(typeof(V1Data))]
[JsonSerializable(typeof(WsTextMessage))]
[JsonSerializable(typeof(WsMeasurementMessage))]
[JsonSerializable(typeof(WsSystemMessage))]
[JsonSerializable(typeof(WsDeviceMessage))]
[JsonSerializable(typeof(WsAuthorizationRequested))]
[JsonSerializable(typeof(WsErrorMessage))]
[JsonSerializable(typeof(SimulatorFaults))]
[JsonSerializable(typeof(Device.SavedMeterRegisters))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
