using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace P1Telemetry.Server.Storage.Columns;

/// <summary>One column of a table whose rows are <typeparamref name="TRow"/>, independent of its value type.</summary>
internal abstract class Column<TRow>(string name, int ordinal, string postgresType, SqliteType sqliteType, MergeRule? merge)
{
    public string Name { get; } = name;

    /// <summary>Position in the table's column list, and so in every SELECT of that list.</summary>
    public int Ordinal { get; } = ordinal;

    public string PostgresType { get; } = postgresType;

    public SqliteType SqliteType { get; } = sqliteType;

    /// <summary>How two partial rows of the same key combine; null for key columns and tables that are never merged.</summary>
    public MergeRule? Merge { get; } = merge;

    public abstract object ToSqlite(TRow row);

    /// <summary>The column of <paramref name="rows"/> as one array parameter, for <c>unnest</c>.</summary>
    public abstract NpgsqlParameter ToPostgresArray(ReadOnlySpan<TRow> rows);
}

/// <summary>A column holding values of <typeparamref name="T"/>, read from <typeparamref name="TRow"/> by <paramref name="get"/>.</summary>
internal sealed class Column<TRow, T>(string name, int ordinal, ColumnType<T> type, Func<TRow, T> get, MergeRule? merge)
    : Column<TRow>(name, ordinal, type.PostgresName, type.SqliteType, merge)
{
    public T Read(DbDataReader reader, StorageDialect dialect) => type.Read(reader, Ordinal, dialect);

    public override object ToSqlite(TRow row) => type.ToSqlite(get(row));

    public override NpgsqlParameter ToPostgresArray(ReadOnlySpan<TRow> rows)
    {
        var values = new T[rows.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = get(rows[i]);
        }

        return new NpgsqlParameter<T[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | type.NpgsqlType };
    }
}
