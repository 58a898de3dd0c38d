using System.Collections;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace P1Telemetry.Server.Storage.Columns;

/// <summary>
/// The columns of one table in table order. Columns are declared as static fields through <see cref="Add"/>, which
/// numbers them in declaration order, so every SELECT of <see cref="Names"/> reads them at their ordinals.
/// </summary>
internal sealed class ColumnList<TRow> : IReadOnlyList<Column<TRow>>
{
    private readonly List<Column<TRow>> _columns = [];

    public int Count => _columns.Count;

    public Column<TRow> this[int index] => _columns[index];

    /// <summary><c>device_id, ts, ...</c></summary>
    public string Names => string.Join(", ", _columns.Select(c => c.Name));

    /// <summary>PostgreSQL: <c>$1::text[], $2::timestamptz[], ...</c>, the arguments of an <c>unnest</c> that yields rows.</summary>
    public string UnnestArguments => string.Join(", ", _columns.Select((c, i) => $"${i + 1}::{c.PostgresType}[]"));

    /// <summary>SQLite: <c>$device_id, $ts, ...</c>, one named parameter per column.</summary>
    public string SqliteParameters => string.Join(", ", _columns.Select(c => SqliteParameter(c)));

    public Column<TRow, T> Add<T>(string name, ColumnType<T> type, Func<TRow, T> get, MergeRule? merge = null)
    {
        var column = new Column<TRow, T>(name, _columns.Count, type, get, merge);
        _columns.Add(column);
        return column;
    }

    /// <summary><c>column = expression, ...</c> for every column that has a merge rule.</summary>
    public string MergeAssignments(string stored, StorageDialect dialect) =>
        string.Join(",\n", _columns.Where(c => c.Merge is not null).Select(c => $"{c.Name} = {c.Merge!.ToSql(c.Name, stored, dialect)}"));

    /// <summary>One array parameter per column, in order, holding the column of <paramref name="rows"/>.</summary>
    public void AddPostgresArrays(NpgsqlCommand command, ReadOnlySpan<TRow> rows)
    {
        foreach (var column in _columns)
        {
            command.Parameters.Add(column.ToPostgresArray(rows));
        }
    }

    /// <summary>Declares the named parameters of <see cref="SqliteParameters"/> once, to be bound per row by <see cref="BindSqlite"/>.</summary>
    public SqliteParameter[] AddSqliteParameters(SqliteCommand command)
    {
        var parameters = new SqliteParameter[_columns.Count];
        foreach (var column in _columns)
        {
            parameters[column.Ordinal] = command.Parameters.Add(SqliteParameter(column), column.SqliteType);
        }

        return parameters;
    }

    public void BindSqlite(SqliteParameter[] parameters, TRow row)
    {
        foreach (var column in _columns)
        {
            parameters[column.Ordinal].Value = column.ToSqlite(row);
        }
    }

    private static string SqliteParameter(Column<TRow> column) => "$" + column.Name;

    // The list's own enumerator, so that binding a statement's columns allocates nothing.
    public List<Column<TRow>>.Enumerator GetEnumerator() => _columns.GetEnumerator();

    IEnumerator<Column<TRow>> IEnumerable<Column<TRow>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
