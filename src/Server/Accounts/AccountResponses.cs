using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Accounts;

/// <summary>The body of <c>POST /login</c> when sent as JSON.</summary>
public sealed record SignInRequest
{
    public string? Username { get; init; }

    public string? Password { get; init; }
}

/// <summary>The signed-in user, the devices it may read and the antiforgery token its browser must send.</summary>
public sealed record SessionResponse
{
    public required string Username { get; init; }

    public required bool Admin { get; init; }

    public required IReadOnlyList<SessionGrant> Devices { get; init; }

    public required string AntiforgeryToken { get; init; }

    public required string AntiforgeryHeader { get; init; }
}

public sealed record SessionGrant(string DeviceId, string Role);

/// <summary>The answer to <c>GET /antiforgery</c>: the token a sign-in form posts as <c>__RequestVerificationToken</c>.</summary>
public sealed record AntiforgeryResponse(string Token, string HeaderName, string FormFieldName);

/// <summary>The answer to <c>GET /v1/devices</c>.</summary>
public sealed record DevicesResponse(IReadOnlyList<DeviceOverview> Devices);

/// <summary>One device in the installer's overview.</summary>
public sealed record DeviceOverview
{
    public required string DeviceId { get; init; }

    public required string Name { get; init; }

    /// <summary>owner, viewer, admin (an administrator without a grant) or device (the caller's own device token).</summary>
    public required string Access { get; init; }

    /// <summary>fresh (a reading within the last 15 minutes), stale, or no_data.</summary>
    public required string Status { get; init; }

    public DateTimeOffset? LastReadingTs { get; init; }

    public int? PowerW { get; init; }

    /// <summary>The running local month's highest quarter-hour so far.</summary>
    public double? MonthPeakW { get; init; }

    public DateTimeOffset? MonthPeakTs { get; init; }

    public int? GoalPeakW { get; init; }

    /// <summary>When the device's edge last uploaded (an accepted ingest request); null when none is known.</summary>
    public DateTimeOffset? LastUploadAt { get; init; }
}

/// <summary>The effective settings of a device (its own, else the server's defaults).</summary>
public sealed record DeviceSettingsResponse
{
    public required string DeviceId { get; init; }

    public required string Name { get; init; }

    public required string Timezone { get; init; }

    public string? GridArea { get; init; }

    public decimal? TariffEurPerKwYear { get; init; }

    public required decimal VatPct { get; init; }

    public int? GoalPeakW { get; init; }

    public required bool AlertsEnabled { get; init; }

    public required int AlertRiskPct { get; init; }

    public required int AlertNoDataMin { get; init; }

    /// <summary>The device's own ntfy topic; null when it uses the server's (NTFY_URL) or none.</summary>
    public string? NtfyUrl { get; init; }

    /// <summary>Whether the device's ntfy token is set; the token itself is never returned.</summary>
    public required bool NtfyTokenSet { get; init; }

    public string? WebhookUrl { get; init; }

    /// <summary>Whether the device's webhook secret is set; the secret itself is never returned.</summary>
    public required bool WebhookSecretSet { get; init; }

    /// <summary>The channels its alerts go to (ntfy, webhook, mqtt), from its own settings and the server's.</summary>
    public required IReadOnlyList<string> AlertChannels { get; init; }
}

/// <summary>The CLI's <c>--json</c> answers.</summary>
public sealed record DeviceCreated(string DeviceId, string Token, string Label);

public sealed record TokenCreated(string Token, string Label);

public sealed record DeviceListing(string DeviceId, string Name, string? Timezone, string? GridArea, IReadOnlyList<TokenListing> Tokens);

public sealed record TokenListing(string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record UserCreated(string Username, bool Admin);

public sealed record GrantCreated(string Username, string DeviceId, string Role);

/// <summary>A revoked token: of a device (its id) or of a user (the username).</summary>
public sealed record Revoked(string Owner, string Label);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(AntiforgeryResponse))]
[JsonSerializable(typeof(DevicesResponse))]
[JsonSerializable(typeof(DeviceSettingsResponse))]
[JsonSerializable(typeof(DeviceCreated))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(List<DeviceListing>))]
[JsonSerializable(typeof(UserCreated))]
[JsonSerializable(typeof(GrantCreated))]
[JsonSerializable(typeof(Revoked))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;
