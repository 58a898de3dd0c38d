namespace P1Telemetry.Server.Storage.Columns;

/// <summary>The SQL engines the stores write to; they differ in how instants are kept and in a few spellings.</summary>
internal enum StorageDialect
{
    /// <summary>Instants are <c>timestamptz</c>; parameters are positional (<c>$1</c>).</summary>
    Postgres,

    /// <summary>Instants are INTEGER microseconds since the Unix epoch; parameters are named (<c>$name</c>).</summary>
    Sqlite,
}
