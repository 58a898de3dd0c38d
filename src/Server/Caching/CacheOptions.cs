using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Caching;

public sealed class CacheOptions
{
    /// <summary>Absent: the in-process cache.</summary>
    [ConfigurationKeyName("REDIS_URL")]
    public string? RedisUrl { get; set; }

    [ConfigurationKeyName("CACHE_TTL_S")]
    [Range(0.001, 86400, ErrorMessage = "CACHE_TTL_S must be between 0.001 and 86400 seconds.")]
    public double CacheTtlSeconds { get; set; } = 5;

    public TimeSpan TimeToLive => TimeSpan.FromSeconds(CacheTtlSeconds);
}

public sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options) =>
        string.IsNullOrWhiteSpace(options.RedisUrl) || RedisUrl.TryParse(options.RedisUrl, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(error);
}
