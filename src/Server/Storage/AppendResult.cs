namespace P1Telemetry.Server.Storage;

/// <summary>What an append did: <see cref="Inserted"/> new rows, <see cref="Duplicates"/> rows that already existed.</summary>
public readonly record struct AppendResult(int Inserted, int Duplicates);
