using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Spooling;

/// <summary>
/// The spooled form of a sample: its wire JSON without <c>device_id</c>, written and read by the same
/// source-generated contract. The device id is added by the uploader (<c>DeviceIdentity</c>), because it may be
/// learnt from the server only after readings were spooled; rows are read with the id of the moment.
/// </summary>
internal static class SpoolJson
{
    public static readonly JsonTypeInfo<Sample> Sample = Create();

    private static JsonTypeInfo<Sample> Create()
    {
        var options = new JsonSerializerOptions(WireJsonContext.Default.Options)
        {
            TypeInfoResolver = WireJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Sample))
                {
                    return;
                }

                foreach (var property in info.Properties)
                {
                    if (property.Name == "device_id")
                    {
                        property.ShouldSerialize = static (_, _) => false;
                        property.IsRequired = false;
                    }
                }
            }),
        };
        options.MakeReadOnly();
        return (JsonTypeInfo<Sample>)options.GetTypeInfo(typeof(Sample));
    }
}
