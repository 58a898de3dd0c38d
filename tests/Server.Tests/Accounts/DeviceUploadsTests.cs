using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>
/// The last-upload times of many devices that upload at once: each upload is answered once its time is stored,
/// concurrent ones share a statement, and a device's time is not written again within the write interval.
/// </summary>
public abstract class DeviceUploadsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private AccountsServer _server = null!;

    private DeviceUploads Uploads => _server.Services.GetRequiredService<DeviceUploads>();

    public abstract Task InitializeAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    protected async Task StartAsync(string? databaseUrl) => _server = await AccountsServer.StartAsync(databaseUrl, seed: false);

    [Fact]
    public async Task Every_one_of_a_thousand_concurrent_uploads_is_stored_when_it_is_answered()
    {
        // More devices than one statement takes, all at once: every answer comes after its own row is stored.
        var devices = Enumerable.Range(0, 1000).Select(i => $"home-{i:D4}").ToArray();
        await Task.WhenAll(devices.Select((device, i) => Task.Run(() => Uploads.RecordAsync(device, At.AddMilliseconds(i), default))));

        var stored = await StoredAsync();
        Assert.Equal(devices.Length, stored.Count);
        for (var i = 0; i < devices.Length; i++)
        {
            Assert.Equal(At.AddMilliseconds(i), stored[devices[i]]);
        }
    }

    [Fact]
    public async Task A_device_is_written_again_only_after_the_write_interval_and_never_backwards()
    {
        await Uploads.RecordAsync("home-a", At, default);
        await Uploads.RecordAsync("home-a", At + DeviceUploads.WriteInterval - TimeSpan.FromSeconds(1), default);
        Assert.Equal(At, (await StoredAsync())["home-a"]);

        // Within the interval the replica itself still answers the newest time it saw.
        Assert.Equal(At + DeviceUploads.WriteInterval - TimeSpan.FromSeconds(1), await Uploads.GetAsync("home-a", default));

        await Uploads.RecordAsync("home-a", At + DeviceUploads.WriteInterval, default);
        Assert.Equal(At + DeviceUploads.WriteInterval, (await StoredAsync())["home-a"]);
    }

    private async Task<Dictionary<string, DateTimeOffset>> StoredAsync()
    {
        var database = _server.Services.GetRequiredService<AccountDatabase>();
        await using var connection = await database.OpenAsync(default);
        await using var command = AccountDatabase.Command(connection, "SELECT device_id, last_upload_at FROM device_uploads");
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            stored[reader.GetString(0)] = AccountDatabase.ReadInstant(reader, 1)!.Value;
        }

        return stored;
    }
}

public sealed class SqliteDeviceUploadsTests : DeviceUploadsTests
{
    public override Task InitializeAsync() => StartAsync(null);
}

[Collection(PostgresTests.Name)]
public sealed class PostgresDeviceUploadsTests(PostgresClusterFixture cluster) : DeviceUploadsTests
{
    public override async Task InitializeAsync() => await StartAsync(await cluster.Instance.CreateDatabaseAsync("uploads"));
}
