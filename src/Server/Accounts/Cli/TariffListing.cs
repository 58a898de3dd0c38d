using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Accounts.Cli;

/// <summary>A tariff period as <c>p1-server tariffs list --json</c> prints it.</summary>
public sealed record TariffListing(string GridArea, DateOnly ValidFrom, DateOnly ValidTo, decimal EurPerKwYear);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TariffListing))]
[JsonSerializable(typeof(List<TariffListing>))]
internal sealed partial class TariffsJsonContext : JsonSerializerContext;
