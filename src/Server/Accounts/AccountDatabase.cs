using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Connections for the account tables on either backend. Their SQL is written once with <c>@name</c>
/// parameters, which both providers understand; only instants, dates and decimals are stored differently
/// (SQLite: INTEGER microseconds, ISO text), which the converters below hide.
/// </summary>
public sealed class AccountDatabase(IOptions<DatabaseOptions> options, IServiceProvider services)
{
    public bool UsesPostgres { get; } = options.Value.UsesPostgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (UsesPostgres)
        {
            return await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        }

        var connection = await services.GetRequiredService<SqliteConnectionFactory>().OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>An instant as the backend stores it.</summary>
    public object Instant(DateTimeOffset value) => UsesPostgres ? value.ToUniversalTime() : StorageTime.ToUnixMicroseconds(value);

    public object? Instant(DateTimeOffset? value) => value is { } v ? Instant(v) : null;

    public object Number(decimal? value) => value is not { } v ? DBNull.Value
        : UsesPostgres ? v : v.ToString(CultureInfo.InvariantCulture);

    public object Date(DateOnly value) => UsesPostgres ? value : value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ReadInstant(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal);
        return value switch
        {
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            DateTimeOffset dto => dto,
            long micros => StorageTime.FromUnixMicroseconds(micros),
            _ => throw new InvalidOperationException($"Unexpected instant of type {value.GetType().Name}."),
        };
    }

    public static decimal? ReadDecimal(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null
        : reader.GetValue(ordinal) switch
        {
            decimal d => d,
            string s => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture),
            var other => Convert.ToDecimal(other, CultureInfo.InvariantCulture),
        };

    public static DateOnly ReadDate(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"Unexpected date of type {other.GetType().Name}."),
    };

    public static string? ReadString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? ReadInt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        _ => false,
    };
}
