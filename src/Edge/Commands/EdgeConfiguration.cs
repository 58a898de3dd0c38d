using Microsoft.Extensions.Configuration;
using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.Commands;

/// <summary>Reads <see cref="EdgeOptions"/> from the environment for the commands that run without the host.</summary>
public static class EdgeConfiguration
{
    public static EdgeOptions Load(IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return configuration.Get<EdgeOptions>() ?? new EdgeOptions();
    }

    /// <summary>Loads and validates; on failure prints every problem (naming the variable) and returns null.</summary>
    public static EdgeOptions? LoadValidated(TextWriter error, Action<EdgeOptions, List<string>> validate)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(validate);
        EdgeOptions options;
        try
        {
            options = Load();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the variable: "Failed to convert configuration value at 'POLL_INTERVAL_S' ...".
            error.WriteLine("Invalid configuration: " + ex.Message);
            return null;
        }

        var problems = new List<string>();
        validate(options, problems);
        foreach (var problem in problems)
        {
            error.WriteLine("Invalid configuration: " + problem);
        }

        return problems.Count == 0 ? options : null;
    }
}
