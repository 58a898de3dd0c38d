using System.Data.Common;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;

namespace P1Telemetry.Server.Storage.Columns;

/// <summary>How a value of <typeparamref name="T"/> is declared, bound and read in each dialect.</summary>
internal sealed class ColumnType<T>(
    string postgresName,
    NpgsqlDbType npgsqlType,
    SqliteType sqliteType,
    Func<DbDataReader, int, StorageDialect, T> read,
    Func<T, object> toSqlite)
{
    public string PostgresName { get; } = postgresName;

    public NpgsqlDbType NpgsqlType { get; } = npgsqlType;

    public SqliteType SqliteType { get; } = sqliteType;

    public T Read(DbDataReader reader, int ordinal, StorageDialect dialect) => read(reader, ordinal, dialect);

    public object ToSqlite(T value) => toSqlite(value);
}
