using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>The scheme that picks bearer tokens when an Authorization header is sent, the session cookie otherwise.</summary>
    public const string CallerScheme = "Caller";

    /// <summary>
    /// Bearer tokens (devices and users) and browser sessions behind one default scheme, a policy requiring a
    /// device (ingest) and one requiring any authenticated caller (reads).
    /// </summary>
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
        services.AddAccounts();
        services.AddSingleton<TokenAuthenticator>();
        services.AddSingleton<KnownDevices>();

        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "Bearer token or session cookie", o =>
            {
                o.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0
                    ? DeviceTokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme;
                // Both answer problem+json: a missing or bad credential is 401, a refused one 403.
                o.ForwardChallenge = DeviceTokenAuthenticationHandler.SchemeName;
                o.ForwardForbid = DeviceTokenAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, DeviceTokenAuthenticationHandler>(DeviceTokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, SessionCookie.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(DevicePolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(DeviceClaims.DeviceId))
            .AddPolicy(CallerPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.GetDeviceId() is not null || context.User.GetUserId() is not null));
        services.AddBrowserSignIn();
        return services;
    }

    /// <summary>The policy of ingest (and of <c>/v1/me</c>): a device token.</summary>
    public const string DevicePolicy = "Device";

    /// <summary>The policy every other <c>/v1</c> endpoint requires: a device token, a user's API token or a session.</summary>
    public const string CallerPolicy = "Caller";
}
