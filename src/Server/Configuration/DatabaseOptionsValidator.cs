using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Configuration;

/// <summary>Rejects a <c>DATABASE_URL</c> that cannot be turned into a connection string, naming the variable.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (options.UsesPostgres && !DatabaseUrl.TryParse(options.DatabaseUrl!, out _, out var error))
        {
            return ValidateOptionsResult.Fail(error);
        }

        if (!options.UsesPostgres && string.IsNullOrWhiteSpace(options.DataDir))
        {
            return ValidateOptionsResult.Fail("DATA_DIR must not be empty when DATABASE_URL is absent.");
        }

        return ValidateOptionsResult.Success;
    }
}
