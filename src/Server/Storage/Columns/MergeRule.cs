namespace P1Telemetry.Server.Storage.Columns;

/// <summary>
/// How a rollup column combines the row already stored with a partial row of the same key. The SQL upserts are
/// generated from these rules; <see cref="QuarterHourMerge"/> is the same rule in C#.
/// </summary>
internal abstract record MergeRule
{
    public static readonly MergeRule Sum = new Combine("+");
    public static readonly MergeRule Min = new Extreme(Largest: false);
    public static readonly MergeRule Max = new Extreme(Largest: true);

    /// <summary>The value of the row whose <paramref name="ts"/> is earlier: a reading taken at the first instant.</summary>
    public static MergeRule FirstBy(string ts) => new TakenWith(ts, Earliest: true);

    /// <summary>The value of the row whose <paramref name="ts"/> is later (the new one on a tie).</summary>
    public static MergeRule LastBy(string ts) => new TakenWith(ts, Earliest: false);

    /// <summary>The right-hand side of <c>column = ...</c> in <c>ON CONFLICT DO UPDATE</c>.</summary>
    public abstract string ToSql(string column, string stored, StorageDialect dialect);

    private sealed record Combine(string Operator) : MergeRule
    {
        public override string ToSql(string column, string stored, StorageDialect dialect) =>
            $"{stored}.{column} {Operator} excluded.{column}";
    }

    private sealed record Extreme(bool Largest) : MergeRule
    {
        public override string ToSql(string column, string stored, StorageDialect dialect)
        {
            // PostgreSQL's min/max are aggregates only; SQLite's take several arguments and are scalar.
            var function = (dialect, Largest) switch
            {
                (StorageDialect.Postgres, true) => "greatest",
                (StorageDialect.Postgres, false) => "least",
                (_, true) => "max",
                (_, false) => "min",
            };
            return $"{function}({stored}.{column}, excluded.{column})";
        }
    }

    private sealed record TakenWith(string Ts, bool Earliest) : MergeRule
    {
        public override string ToSql(string column, string stored, StorageDialect dialect) =>
            $"CASE WHEN excluded.{Ts} {(Earliest ? "<" : ">=")} {stored}.{Ts} THEN excluded.{column} ELSE {stored}.{column} END";
    }
}
