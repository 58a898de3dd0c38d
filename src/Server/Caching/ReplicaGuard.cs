using Microsoft.Extensions.Options;
using Npgsql;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Refuses to serve when replicas of one PostgreSQL database would not share their caches. A replica without
/// <c>REDIS_URL</c> keeps its caches in its own memory, so it must be the only one: it holds an exclusive
/// advisory lock, while replicas with Redis hold a shared one. A replica that cannot take its lock (a mix of
/// the two, or two without Redis) stops at start with a message naming the setting instead of serving stale
/// data. The lock belongs to a connection held open for the life of the process; PostgreSQL frees it at once
/// when the process dies.
/// </summary>
internal sealed class ReplicaGuard(
    IServiceProvider services,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<CacheOptions> cacheOptions,
    TimeProvider timeProvider,
    ILogger<ReplicaGuard> logger) : IHostedService, IAsyncDisposable
{
    // Any constant works; it only has to be the same for every replica of the product.
    private const long LockKey = 0x5031_5465_6C65_6D;

    // A replica being replaced may still hold its lock for a moment while it shuts down.
    private static readonly TimeSpan WaitForPrevious = TimeSpan.FromSeconds(10);

    private NpgsqlConnection? _connection;

    private bool Shared => !string.IsNullOrWhiteSpace(cacheOptions.Value.RedisUrl);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!databaseOptions.Value.UsesPostgres)
        {
            // The embedded SQLite file belongs to one process.
            return;
        }

        var deadline = timeProvider.GetUtcNow() + WaitForPrevious;
        _connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        while (!await TryLockAsync(_connection, cancellationToken))
        {
            if (timeProvider.GetUtcNow() >= deadline)
            {
                throw new OptionsValidationException("REDIS_URL", typeof(CacheOptions), [Shared
                    ? "REDIS_URL is set, but another p1-server serves this database without it. Every replica of one database needs the same REDIS_URL, so that their caches agree."
                    : "Another p1-server already serves this database. Several replicas must share their caches: set REDIS_URL on every replica, or run only one."]);
            }

            ReplicaLog.WaitingForReplicaLock(logger, Shared ? "shared" : "exclusive");
            await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, cancellationToken);
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Shared ? "SELECT pg_try_advisory_lock_shared($1)" : "SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            // A pooled connection would keep its session's locks while it waits to be reused.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
            await unlock.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is already gone, and its locks with it.
        }

        await _connection.DisposeAsync();
    }
}
