using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Realtime;

namespace P1Telemetry.Server.Accounts;

public static class DeviceEndpoints
{
    /// <summary>A device whose latest reading is older than this is stale.</summary>
    public static readonly TimeSpan FreshFor = LiveQuarterService.MaxSilence;

    /// <summary><c>GET /v1/devices</c>: every device the caller may read, with its latest figures.</summary>
    public static RouteGroupBuilder MapDevices(this RouteGroupBuilder group)
    {
        group.MapGet("/devices", ListAsync)
            .WithName("ListDevices")
            .WithSummary("The devices the caller may read: name, last reading, live power, the running month's peak and status")
            .WithDescription("status is fresh (a reading within the last 15 minutes), stale or no_data; last_upload_at is the time of " +
                "the device's last accepted ingest request (null when none is known).")
            .Produces<DevicesResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapDeviceSettings();
        return group;
    }

    internal static async Task<JsonHttpResult<DevicesResponse>> ListAsync(
        HttpContext context,
        UserStore users,
        KnownDevices known,
        ReadPathSettings settings,
        LatestSampleCache latest,
        MonthDigests digests,
        DeviceUploads uploads,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var caller = context.User;
        List<(string DeviceId, string Access)> readable = [];
        if (caller.GetDeviceId() is { } own)
        {
            readable.Add((own, "device"));
        }
        else if (caller.GetUserId() is { } userId)
        {
            var grants = (await users.ListGrantsAsync(userId, cancellationToken)).ToDictionary(g => g.DeviceId, g => g.Role, StringComparer.Ordinal);
            readable = caller.IsAdmin()
                ? [.. known.All().Select(id => (id, grants.GetValueOrDefault(id) ?? "admin"))]
                : [.. grants.Select(g => (g.Key, g.Value)).Order()];
        }

        var now = timeProvider.GetUtcNow();
        var overview = new List<DeviceOverview>(readable.Count);
        foreach (var (deviceId, access) in readable)
        {
            var device = settings.For(deviceId);
            var sample = await latest.GetAsync(deviceId, cancellationToken);
            var peak = sample is null
                ? null
                : (await digests.AnalyzeAsync(deviceId, device.Calendar.MonthOf(now), cancellationToken)).Quarters.Peak;
            overview.Add(new DeviceOverview
            {
                DeviceId = deviceId,
                Name = device.Name,
                Access = access,
                Status = sample is null ? "no_data" : now - sample.Ts <= FreshFor ? "fresh" : "stale",
                LastReadingTs = sample?.Ts,
                PowerW = sample?.PowerW,
                MonthPeakW = peak is { } p ? Math.Round(p.AveragePowerW, 1) : null,
                MonthPeakTs = peak?.Start,
                GoalPeakW = device.GoalPeakW,
                LastUploadAt = await uploads.GetAsync(deviceId, cancellationToken),
            });
        }

        return TypedResults.Json(new DevicesResponse(overview), AccountsJsonContext.Default.DevicesResponse);
    }
}
