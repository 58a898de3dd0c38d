using Microsoft.Extensions.Options;
using Npgsql;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.MeterPeaks;

public static class MeterPeaksServiceCollectionExtensions
{
    /// <summary>The meter-peak store of the backend <c>DATABASE_URL</c> chose (registered by AddSampleStorage).</summary>
    public static IServiceCollection AddMeterPeaks(this IServiceCollection services)
    {
        services.AddSingleton<IMeterPeakStore>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.UsesPostgres
            ? new PostgresMeterPeakStore(sp.GetRequiredService<NpgsqlDataSource>())
            : new SqliteMeterPeakStore(sp.GetRequiredService<SqliteConnectionFactory>()));
        return services;
    }
}
