using Microsoft.Extensions.Options;
using Npgsql;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Storage.Migrations;

namespace P1Telemetry.Server.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sample store chosen by <c>DATABASE_URL</c>: PostgreSQL through one shared
    /// <see cref="NpgsqlDataSource"/>, or the embedded SQLite file, which is migrated at start.
    /// </summary>
    public static IServiceCollection AddSampleStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (!options.UsesPostgres || !DatabaseUrl.TryParse(options.DatabaseUrl!, out var connectionString, out _))
            {
                throw new InvalidOperationException("DATABASE_URL does not name a PostgreSQL database.");
            }

            var builder = new NpgsqlDataSourceBuilder(connectionString.ConnectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton(sp => new SqliteConnectionFactory(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.SqlitePath));

        services.AddSingleton<ISampleStore>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.UsesPostgres
            ? new PostgresSampleStore(sp.GetRequiredService<NpgsqlDataSource>())
            : new SqliteSampleStore(sp.GetRequiredService<SqliteConnectionFactory>()));
        services.AddSingleton<ISchemaMigrator>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.UsesPostgres
            ? new PostgresSchemaMigrator(sp.GetRequiredService<NpgsqlDataSource>())
            : new SqliteSchemaMigrator(sp.GetRequiredService<SqliteConnectionFactory>()));
        services.AddHostedService<EmbeddedDatabaseMigration>();
        return services;
    }
}
