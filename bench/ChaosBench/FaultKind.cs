namespace P1Telemetry.ChaosBench;

/// <summary>What goes wrong, and how it is undone.</summary>
internal enum FaultKind
{
    /// <summary>SIGKILL of the edge (a power cut at home); it starts again on the same spool.</summary>
    EdgeKilled,

    /// <summary>SIGKILL of one server replica, restarted after a while; Caddy sends the traffic to the other.</summary>
    ReplicaKilled,

    /// <summary>PostgreSQL stopped (fast shutdown: open transactions are rolled back) and started again.</summary>
    PostgresRestarted,

    /// <summary>Redis stopped and started again (empty).</summary>
    RedisRestarted,

    /// <summary>Caddy stopped and started again: no replica is reachable meanwhile.</summary>
    CaddyStopped,

    /// <summary>The meter answers half of its requests with HTTP 500.</summary>
    MeterErrors,

    /// <summary>The meter aborts half of its connections without an answer.</summary>
    MeterDrops,

    /// <summary>The meter accepts requests and never answers them.</summary>
    MeterHangs,
}
