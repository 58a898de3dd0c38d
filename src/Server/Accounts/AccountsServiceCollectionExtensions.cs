using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Devices, users, tokens, per-device settings and the shared data-protection key ring.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<AccountDatabase>();
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<DeviceUploads>();
        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<DeviceSettingsCatalog>();
        services.AddSingleton<DeviceSettingsRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceSettingsRefresher>());

        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("p1-telemetry");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<DatabaseXmlRepository>()));
        return services;
    }
}
