using Microsoft.Data.Sqlite;
using NpgsqlTypes;

namespace P1Telemetry.Server.Storage.Columns;

/// <summary>The value types the <c>samples</c> and <c>quarter_hours</c> tables use.</summary>
internal static class ColumnTypes
{
    public static readonly ColumnType<string> Text = new(
        "text", NpgsqlDbType.Text, SqliteType.Text, (reader, ordinal, _) => reader.GetString(ordinal), value => value);

    public static readonly ColumnType<int> Integer = new(
        "integer", NpgsqlDbType.Integer, SqliteType.Integer, (reader, ordinal, _) => reader.GetInt32(ordinal), value => value);

    public static readonly ColumnType<long> BigInt = new(
        "bigint", NpgsqlDbType.Bigint, SqliteType.Integer, (reader, ordinal, _) => reader.GetInt64(ordinal), value => value);

    public static readonly ColumnType<double> DoublePrecision = new(
        "double precision", NpgsqlDbType.Double, SqliteType.Real, (reader, ordinal, _) => reader.GetDouble(ordinal), value => value);

    public static readonly ColumnType<DateTimeOffset> Instant = new(
        "timestamptz", NpgsqlDbType.TimestampTz, SqliteType.Integer,
        (reader, ordinal, dialect) => dialect == StorageDialect.Sqlite
            ? StorageTime.FromUnixMicroseconds(reader.GetInt64(ordinal))
            : reader.GetFieldValue<DateTimeOffset>(ordinal),
        value => StorageTime.ToUnixMicroseconds(value));

    public static readonly ColumnType<int?> NullableInteger = OrNull(Integer);

    public static readonly ColumnType<double?> NullableDouble = OrNull(DoublePrecision);

    public static readonly ColumnType<DateTimeOffset?> NullableInstant = OrNull(Instant);

    private static ColumnType<TValue?> OrNull<TValue>(ColumnType<TValue> type)
        where TValue : struct =>
        new(type.PostgresName, type.NpgsqlType, type.SqliteType,
            (reader, ordinal, dialect) => reader.IsDBNull(ordinal) ? null : type.Read(reader, ordinal, dialect),
            value => value is { } present ? type.ToSqlite(present) : DBNull.Value);
}
