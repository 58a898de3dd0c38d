using System.Data.Common;
using System.Globalization;

namespace P1Telemetry.EdgeBench;

/// <summary>What the server stored for one device: raw samples, and the samples its quarter-hour rollup counted.</summary>
internal sealed record StoredCounts(long Samples, long RolledUp);

/// <summary>The database behind the real server in a drain run: its settings for the server, and a direct count afterwards.</summary>
internal abstract class StorageBackend : IAsyncDisposable
{
    /// <summary>Names accepted by <c>--backend</c> (besides <c>both</c> and <c>none</c>).</summary>
    public static readonly string[] Names = ["sqlite", "postgres"];

    public abstract string Description { get; }

    /// <summary><c>DATA_DIR</c> or <c>DATABASE_URL</c> for <c>p1-server</c>.</summary>
    public abstract IReadOnlyDictionary<string, string?> ServerEnvironment { get; }

    /// <summary>PostgreSQL is migrated by the explicit <c>p1-server migrate</c>; SQLite migrates itself at start.</summary>
    public abstract bool NeedsMigration { get; }

    /// <summary>CPU seconds used so far by a database that runs in processes of its own; null when it runs inside the server.</summary>
    public virtual double? DatabaseCpuSeconds() => null;

    public static async Task<StorageBackend> StartAsync(string name) => name switch
    {
        "sqlite" => new SqliteBackend(),
        "postgres" => await PostgresBackend.StartAsync(),
        _ => throw new ArgumentException($"unknown backend '{name}': use {string.Join(", ", Names)}, both or none", nameof(name)),
    };

    /// <summary>Counts straight from the database, bypassing the server (call it after the server stopped).</summary>
    public async Task<StoredCounts> CountAsync(string deviceId)
    {
        await using var connection = OpenConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM samples WHERE device_id = @device),
                   (SELECT coalesce(sum(sample_count), 0) FROM quarter_hours WHERE device_id = @device)
            """;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "device";
        parameter.Value = deviceId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoredCounts(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>A new, unpooled connection, so that nothing holds the database open once the count is read.</summary>
    protected abstract DbConnection OpenConnection();
}
