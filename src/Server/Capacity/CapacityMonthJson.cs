using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// Serializes <see cref="CapacityMonthResponse"/> with its <c>peaks</c> taken from
/// <see cref="CapacityMonthResponse.PeaksJson"/>, the array already written (see <see cref="QuarterPeaksJson"/>):
/// byte for byte what the serializer writes for the record with <see cref="CapacityMonthResponse.Peaks"/> filled.
/// </summary>
public static class CapacityMonthJson
{
    private const string PeaksName = "peaks";

    private static readonly JsonTypeInfo<CapacityMonthResponse> TypeInfo = (JsonTypeInfo<CapacityMonthResponse>)new JsonSerializerOptions(ReadJsonContext.Default.Options)
    {
        TypeInfoResolver = ReadJsonContext.Default.WithAddedModifier(EmbedWrittenPeaks),
    }.GetTypeInfo(typeof(CapacityMonthResponse));

    public static byte[] Write(CapacityMonthResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonSerializer.SerializeToUtf8Bytes(response, TypeInfo);
    }

    // The OpenAPI document and clients see Peaks; only this writer swaps it for the written array, in its place.
    private static void EmbedWrittenPeaks(JsonTypeInfo info)
    {
        if (info.Type != typeof(CapacityMonthResponse))
        {
            return;
        }

        var index = info.Properties.Select(p => p.Name).ToList().IndexOf(PeaksName);
        var written = info.CreateJsonPropertyInfo(typeof(ReadOnlyMemory<byte>), PeaksName);
        written.Get = response => ((CapacityMonthResponse)response).PeaksJson;
        written.CustomConverter = WrittenJsonConverter.Instance;
        info.Properties[index] = written;
    }

    /// <summary>Writes bytes that already are a JSON value as that value.</summary>
    private sealed class WrittenJsonConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public static readonly WrittenJsonConverter Instance = new();

        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Written JSON is only ever serialized.");

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Span, skipInputValidation: true);
    }
}
