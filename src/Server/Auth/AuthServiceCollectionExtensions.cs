using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Device-token authentication as the default scheme, and a policy requiring a device.</summary>
    public static IServiceCollection AddDeviceTokenAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var tokens = sp.GetRequiredService<IOptions<AuthOptions>>().Value.DeviceTokens;
            return DeviceTokenRegistry.TryParse(tokens, out var registry, out var error)
                ? registry
                : throw new OptionsValidationException("DEVICE_TOKENS", typeof(AuthOptions), [error]);
        });

        services.AddAuthentication(DeviceTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DeviceTokenAuthenticationHandler>(DeviceTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(DevicePolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(DeviceClaims.DeviceId));
        return services;
    }

    /// <summary>The policy every <c>/v1</c> endpoint requires.</summary>
    public const string DevicePolicy = "Device";
}
