using Npgsql;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private PostgreSQL cluster for tests: initdb into a temp directory (as the <c>postgres</c> user when the
/// tests run as root, since initdb refuses root), listening on a random loopback port with its socket in the
/// same directory. Can be stopped and started again to test outages. Fails loudly when PostgreSQL is missing.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _root;
    private readonly string _dataDirectory;
    private readonly string _socketDirectory;
    private readonly bool _durable;
    private int _databaseCounter;

    private PostgresInstance(string root, bool durable)
    {
        _root = root;
        _durable = durable;
        _dataDirectory = Path.Combine(root, "data");
        _socketDirectory = Path.Combine(root, "socket");
    }

    public int Port { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>The superuser connection string of the <c>postgres</c> database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>The postmaster's process id (its backends are its children).</summary>
    public int ServerProcessId => int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public static Task<PostgresInstance> StartAsync(CancellationToken cancellationToken = default) => StartAsync(durable: false, cancellationToken);

    /// <summary>
    /// Starts a cluster; <paramref name="durable"/> keeps PostgreSQL's production settings (fsync, synchronous
    /// commit, full page writes) for benchmarks whose figures must hold on a real server. Tests run without them.
    /// </summary>
    public static async Task<PostgresInstance> StartAsync(bool durable, CancellationToken cancellationToken = default)
    {
        var instance = new PostgresInstance(TestRunDirectory.CreateSubdirectory("pg"), durable);
        try
        {
            await instance.InitializeAsync(cancellationToken);
            await instance.StartServerAsync(cancellationToken);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing); run scripts/setup.sh.");
        }

        Directory.CreateDirectory(_socketDirectory);
        if (Environment.IsPrivilegedProcess)
        {
            await CommandRunner.RunCheckedAsync("chown", ["-R", "postgres:postgres", _root], CommandTimeout, cancellationToken);
            await CommandRunner.RunCheckedAsync("chmod", ["755", Path.GetDirectoryName(_root)!], CommandTimeout, cancellationToken);
        }

        await RunAsPostgresAsync("initdb", ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (Port == 0 || attempt > 1)
            {
                Port = FreePort.Next();
            }

            var options = $"-p {Port} -k {_socketDirectory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" +
                (_durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            try
            {
                await RunAsPostgresAsync("pg_ctl", ["-D", _dataDirectory, "-o", options, "-l", Path.Combine(_root, "postgres.log"), "-w", "-t", "60", "start"], cancellationToken);
                IsRunning = true;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely another process took the port between choosing and binding it.
            }
        }
    }

    /// <summary>Stops the server (fast shutdown); <see cref="StartAsync()"/> brings it back on the same port.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
        {
            return;
        }

        await RunAsPostgresAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
        IsRunning = false;
    }

    public async Task StartAsync()
    {
        if (!IsRunning)
        {
            await StartServerAsync(CancellationToken.None);
        }
    }

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    /// <summary>Creates a fresh empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix ?? "test"}_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 48)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    private Task<string> RunAsPostgresAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(BinDirectory, tool);
        return Environment.IsPrivilegedProcess
            ? CommandRunner.RunCheckedAsync("runuser", ["-u", "postgres", "--", path, .. arguments], CommandTimeout, cancellationToken)
            : CommandRunner.RunCheckedAsync(path, arguments, CommandTimeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone; the directory is removed below either way.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
