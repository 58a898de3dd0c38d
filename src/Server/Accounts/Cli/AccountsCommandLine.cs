using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage.Migrations;

namespace P1Telemetry.Server.Accounts.Cli;

/// <summary>
/// <c>p1-server devices|users|tariffs ...</c>: manages homes, people and tokens in the database named by
/// <c>DATABASE_URL</c> (or the SQLite file in <c>DATA_DIR</c>). A token is printed once, when it is created.
/// </summary>
public static class AccountsCommandLine
{
    public const string Devices = "devices";
    public const string Users = "users";
    public const string Tariffs = "tariffs";

    public const int MinPasswordLength = 8;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        var context = new CliContext(services, input, output, error);
        var root = new RootCommand("Manage the devices, users and tokens of a P1 Telemetry server.");
        root.Subcommands.Add(DevicesCommand(context));
        root.Subcommands.Add(UsersCommand(context));
        root.Subcommands.Add(TariffsCommand(context));
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command DevicesCommand(CliContext context)
    {
        var json = JsonOption();
        var deviceId = new Argument<string>("device_id") { Description = DeviceIdFormat.Description };
        var name = new Option<string>("--name") { Description = "A display name (default: the device id)" };
        var timezone = new Option<string>("--timezone") { Description = "IANA time zone of the home (default: TIMEZONE)" };
        var gridArea = new Option<string>("--grid-area") { Description = "The home's grid area, e.g. Imewo (default: GRID_AREA)" };
        var label = new Option<string>("--label") { Description = "A label to tell tokens apart (default: default, token-2, ...)" };

        var add = new Command("add", "Create a device and its first token (printed once).") { deviceId, name, timezone, gridArea, label, json };
        add.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var id = parse.GetValue(deviceId)!;
            var zone = parse.GetValue(timezone);
            var area = parse.GetValue(gridArea) is { } a ? GridTariffs.Normalize(a) : null;
            if (!DeviceIdFormat.IsValid(id))
            {
                return context.Fail(2, $"device_id must be {DeviceIdFormat.Description}.");
            }

            if (zone is not null && (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) || !tz.HasIanaId || !CapacityOptionsValidator.HasQuarterHourOffsets(tz)))
            {
                return context.Fail(2, $"--timezone '{zone}' is not a usable IANA time zone (e.g. Europe/Brussels).");
            }

            if (area is not null && !(await db.Devices.ListTariffsAsync(ct)).Any(t => t.GridArea == area))
            {
                return context.Fail(2, $"--grid-area '{parse.GetValue(gridArea)}' has no tariff; see 'p1-server tariffs list'.");
            }

            var displayName = parse.GetValue(name)?.Trim();
            if (displayName is { Length: 0 or > DeviceSettingsFields.MaxNameLength })
            {
                return context.Fail(2, $"--name must have 1-{DeviceSettingsFields.MaxNameLength} characters.");
            }

            if (!await db.Devices.AddAsync(new DeviceSettings(id, displayName ?? id, zone, area, null, null, null), ct))
            {
                return context.Fail(1, $"Device '{id}' already exists; 'p1-server devices token {id}' makes another token.");
            }

            var tokenLabel = parse.GetValue(label) ?? "default";
            var token = (await db.Devices.CreateTokenAsync(id, tokenLabel, ct))!.Value.Token;
            return await context.WriteAsync(parse.GetValue(json), new DeviceCreated(id, token, tokenLabel), AccountsJsonContext.Default.DeviceCreated,
                $"Device {id} created. Its token (label '{tokenLabel}'), shown only now:\n{token}");
        }, ct));

        var list = new Command("list", "List the devices and their tokens (never the secrets).") { json };
        list.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var listing = new List<DeviceListing>();
            foreach (var device in await db.Devices.ListAsync(ct))
            {
                var tokens = await db.Devices.ListTokensAsync(device.DeviceId, ct);
                listing.Add(new DeviceListing(device.DeviceId, device.Name, device.TimeZone, device.GridArea,
                    [.. tokens.Select(t => new TokenListing(t.Label, t.CreatedAt, t.LastUsedAt, t.RevokedAt))]));
            }

            var text = string.Join('\n', listing.Select(d => string.Create(CultureInfo.InvariantCulture,
                $"{d.DeviceId}\t{d.Name}\t{d.Timezone ?? "-"}\t{d.GridArea ?? "-"}\ttokens: {string.Join(", ", d.Tokens.Where(t => t.RevokedAt is null).Select(t => t.Label))}")));
            return await context.WriteAsync(parse.GetValue(json), listing, AccountsJsonContext.Default.ListDeviceListing,
                listing.Count == 0 ? "No devices in the database." : text);
        }, ct));

        var token = new Command("token", "Create another token for a device (printed once); the old ones keep working until revoked.") { deviceId, label, json };
        token.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var id = parse.GetValue(deviceId)!;
            if (!await db.Devices.ExistsAsync(id, ct))
            {
                return context.Fail(1, $"Device '{id}' does not exist; create it with 'p1-server devices add {id}'.");
            }

            if (await db.Devices.CreateTokenAsync(id, parse.GetValue(label), ct) is not { } created)
            {
                return context.Fail(1, $"Device '{id}' already has a live token labelled '{parse.GetValue(label)}'.");
            }

            return await context.WriteAsync(parse.GetValue(json), new TokenCreated(created.Token, created.Label), AccountsJsonContext.Default.TokenCreated,
                $"New token for {id} (label '{created.Label}'), shown only now:\n{created.Token}");
        }, ct));

        var tokenLabel = new Argument<string>("token-label") { Description = "The label of the token to revoke" };
        var revoke = new Command("revoke", "Revoke a device token: it is refused at once, on every replica.") { deviceId, tokenLabel, json };
        revoke.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var id = parse.GetValue(deviceId)!;
            var which = parse.GetValue(tokenLabel)!;
            if (!await db.Devices.RevokeTokenAsync(id, which, ct))
            {
                return context.Fail(1, $"Device '{id}' has no live token labelled '{which}'.");
            }

            return await context.WriteAsync(parse.GetValue(json), new Revoked(id, which), AccountsJsonContext.Default.Revoked,
                $"Token '{which}' of {id} revoked.");
        }, ct));

        return new Command(Devices, "Manage devices (homes' meters) and their tokens.") { add, list, token, revoke };
    }

    private static Command UsersCommand(CliContext context)
    {
        var json = JsonOption();
        var username = new Argument<string>("username") { Description = "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-' and '@'" };
        var admin = new Option<bool>("--admin") { Description = "May read and manage every device" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input", Required = true };
        var add = new Command("add", "Create a user; the password is read from standard input.") { username, admin, passwordStdin, json };
        add.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var name = parse.GetValue(username)!;
            if (!IsValidUsername(name))
            {
                return context.Fail(2, "username must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-' and '@'.");
            }

            var password = (await context.Input.ReadToEndAsync(ct)).TrimEnd('\r', '\n');
            if (password.Length < MinPasswordLength || password.Length > SignInService.MaxPasswordLength)
            {
                return context.Fail(2, $"The password must have {MinPasswordLength}-{SignInService.MaxPasswordLength} characters.");
            }

            var isAdmin = parse.GetValue(admin);
            if (await db.Users.AddAsync(name, db.SignIn.HashPassword(password), isAdmin, ct) is null)
            {
                return context.Fail(1, $"User '{name}' already exists.");
            }

            return await context.WriteAsync(parse.GetValue(json), new UserCreated(name, isAdmin), AccountsJsonContext.Default.UserCreated,
                $"User {name} created{(isAdmin ? " (administrator)" : string.Empty)}.");
        }, ct));

        var deviceId = new Argument<string>("device_id") { Description = "The device to grant" };
        var role = new Option<string>("--role") { Description = "viewer (read only) or owner (also settings and tokens)", DefaultValueFactory = _ => DeviceRoles.Viewer };
        role.AcceptOnlyFromAmong(DeviceRoles.Viewer, DeviceRoles.Owner);
        var grant = new Command("grant", "Let a user read (viewer) or manage (owner) a device.") { username, deviceId, role, json };
        grant.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var name = parse.GetValue(username)!;
            var id = parse.GetValue(deviceId)!;
            if (await db.Users.FindAsync(name, ct) is not { } user)
            {
                return context.Fail(1, $"User '{name}' does not exist.");
            }

            if (!DeviceIdFormat.IsValid(id) || !(await db.Devices.ExistsAsync(id, ct) || db.Configured.HasDevice(id)))
            {
                return context.Fail(1, $"Device '{id}' does not exist; create it with 'p1-server devices add {id}'.");
            }

            var granted = parse.GetValue(role)!;
            await db.Users.GrantAsync(user.Id, id, granted, ct);
            return await context.WriteAsync(parse.GetValue(json), new GrantCreated(name, id, granted), AccountsJsonContext.Default.GrantCreated,
                $"{name} is now {granted} of {id}.");
        }, ct));

        var label = new Option<string>("--label") { Description = "A label to tell tokens apart, e.g. home-assistant" };
        var token = new Command("token", "Create a personal API token (printed once): reads every granted device, never ingests.") { username, label, json };
        token.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var name = parse.GetValue(username)!;
            if (await db.Users.FindAsync(name, ct) is not { } user)
            {
                return context.Fail(1, $"User '{name}' does not exist.");
            }

            var chosen = parse.GetValue(label);
            if (await db.Users.CreateTokenAsync(user.Id, chosen, ct) is not { } created)
            {
                return context.Fail(1, $"User '{name}' already has a live token labelled '{chosen}'.");
            }

            return await context.WriteAsync(parse.GetValue(json), new TokenCreated(created.Token, created.Label), AccountsJsonContext.Default.TokenCreated,
                $"API token for {name} (label '{created.Label}'), shown only now:\n{created.Token}");
        }, ct));

        var tokenLabel = new Argument<string>("token-label") { Description = "The label of the token to revoke" };
        var revoke = new Command("revoke", "Revoke a user's API token: it is refused at once, on every replica.") { username, tokenLabel, json };
        revoke.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var name = parse.GetValue(username)!;
            var which = parse.GetValue(tokenLabel)!;
            if (await db.Users.FindAsync(name, ct) is not { } user || !await db.Users.RevokeTokenAsync(user.Id, which, ct))
            {
                return context.Fail(1, $"User '{name}' has no live API token labelled '{which}'.");
            }

            return await context.WriteAsync(parse.GetValue(json), new Revoked(name, which), AccountsJsonContext.Default.Revoked,
                $"API token '{which}' of {name} revoked.");
        }, ct));

        return new Command(Users, "Manage users, their grants and their API tokens.") { add, grant, token, revoke };
    }

    private static Command TariffsCommand(CliContext context)
    {
        var json = JsonOption();
        var list = new Command("list", "List the capacity tariffs per grid area and validity.") { json };
        list.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var tariffs = await db.Devices.ListTariffsAsync(ct);
            var text = string.Join('\n', tariffs.Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t.GridArea}\t{t.ValidFrom:yyyy-MM-dd}\t{t.ValidTo:yyyy-MM-dd}\t{t.EurPerKwYear} EUR/kW/year")));
            return await context.WriteAsync(parse.GetValue(json),
                [.. tariffs.Select(t => new TariffListing(t.GridArea, t.ValidFrom, t.ValidTo, t.EurPerKwYear))],
                TariffsJsonContext.Default.ListTariffListing, text);
        }, ct));

        var area = new Argument<string>("grid_area") { Description = "The grid area, e.g. Imewo" };
        var from = new Option<string>("--from") { Description = "First day of validity, YYYY-MM-DD", Required = true };
        var to = new Option<string>("--to") { Description = "First day after the validity, YYYY-MM-DD", Required = true };
        var eur = new Option<string>("--eur-per-kw-year") { Description = "The tariff excluding VAT", Required = true };
        var add = new Command("add", "Add (or replace) a grid area's tariff for a period; months in it are costed at this tariff.") { area, from, to, eur, json };
        add.SetAction((parse, ct) => context.RunAsync(async db =>
        {
            var key = GridTariffs.Normalize(parse.GetValue(area)!);
            if (key.Length == 0 || key.Length > 64)
            {
                return context.Fail(2, "grid_area must contain letters or digits.");
            }

            if (!DateOnly.TryParseExact(parse.GetValue(from), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var validFrom)
                || !DateOnly.TryParseExact(parse.GetValue(to), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var validTo)
                || validTo <= validFrom)
            {
                return context.Fail(2, "--from and --to must be dates YYYY-MM-DD with --to after --from.");
            }

            if (!decimal.TryParse(parse.GetValue(eur), NumberStyles.Number, CultureInfo.InvariantCulture, out var tariff) || tariff <= 0 || tariff > 10_000)
            {
                return context.Fail(2, "--eur-per-kw-year must be a positive amount (at most 10000).");
            }

            var period = new GridTariffPeriod(key, validFrom, validTo, tariff);
            await db.Devices.SaveTariffAsync(period, ct);
            return await context.WriteAsync(parse.GetValue(json), new TariffListing(key, validFrom, validTo, tariff), TariffsJsonContext.Default.TariffListing,
                string.Create(CultureInfo.InvariantCulture, $"{key}: {tariff} EUR/kW/year from {validFrom:yyyy-MM-dd} until before {validTo:yyyy-MM-dd}."));
        }, ct));

        return new Command(Tariffs, "Manage the capacity tariffs of the grid areas.") { list, add };
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Machine-readable output" };

    private static bool IsValidUsername(string name) =>
        name.Length is > 0 and <= SignInService.MaxUsernameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    private sealed class CliContext(IServiceProvider services, TextReader input, TextWriter output, TextWriter error)
    {
        public TextReader Input => input;

        public async Task<int> RunAsync(Func<CliServices, Task<int>> action, CancellationToken cancellationToken)
        {
            try
            {
                var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
                if (!database.UsesPostgres)
                {
                    // The embedded database is migrated by whoever opens it first; PostgreSQL by 'p1-server migrate'.
                    await services.GetRequiredService<ISchemaMigrator>().MigrateAsync(cancellationToken);
                }

                return await action(new CliServices(
                    services.GetRequiredService<DeviceStore>(),
                    services.GetRequiredService<UserStore>(),
                    services.GetRequiredService<SignInService>(),
                    services.GetRequiredService<DeviceTokenRegistry>()));
            }
            catch (OptionsValidationException ex)
            {
                return Fail(2, $"Invalid configuration: {string.Join(" ", ex.Failures)}");
            }
            catch (Exception ex) when (ex is DbException or SocketException or TimeoutException)
            {
                return Fail(1, $"The database did not answer as expected (has 'p1-server migrate' run?): {ex.Message}");
            }
        }

        public int Fail(int exitCode, string message)
        {
            error.WriteLine(message);
            return exitCode;
        }

        public async Task<int> WriteAsync<T>(bool json, T value, JsonTypeInfo<T> typeInfo, string text)
        {
            await output.WriteLineAsync(json ? JsonSerializer.Serialize(value, typeInfo) : text);
            return 0;
        }
    }

    private sealed record CliServices(DeviceStore Devices, UserStore Users, SignInService SignIn, DeviceTokenRegistry Configured);
}
