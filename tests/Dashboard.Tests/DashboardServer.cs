using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Dashboard.Tests;

/// <summary>
/// The real server over HTTPS on SQLite with two homes (a month and a half of readings for the first, a
/// little for the second), a user who owns one and views the other, and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string HomeA = "home-a";
    public const string HomeB = "home-b";
    public const string TokenA = "dashboard-token-home-a-0123456789";
    public const string TokenB = "dashboard-token-home-b-0123456789";
    public const string Username = "alice";
    public const string Password = "correct horse battery staple";

    private static readonly string[] BrowserArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly List<string> _browserErrors = [];
    private string _directory = string.Empty;
    private TestCertificates? _certificates;
    private double _importKwh = 1000;
    private double _exportKwh = 100;
    private DateTimeOffset _lastTs;

    public ServerProcess Server { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public TestCertificates Certificates => _certificates!;

    /// <summary>The plain-HTTP loopback listener for a browser on the server's machine (DASHBOARD_LOOPBACK_HTTP_PORT).</summary>
    public Uri LoopbackAddress { get; private set; } = null!;

    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>Where screenshots go: $P1_TEST_RUN_DIR/screenshots, else a folder under the temp directory.</summary>
    public string ScreenshotDirectory { get; private set; } = string.Empty;

    /// <summary>Console errors and uncaught exceptions of every page opened through <see cref="NewPageAsync"/>.</summary>
    public IReadOnlyList<string> BrowserErrors
    {
        get
        {
            lock (_browserErrors)
            {
                return [.. _browserErrors];
            }
        }
    }

    public async Task InitializeAsync()
    {
        _directory = TestRunDirectory.CreateSubdirectory("dashboard");
        ScreenshotDirectory = Path.Combine(TestRunDirectory.Root, "screenshots");
        Directory.CreateDirectory(ScreenshotDirectory);
        Console.WriteLine($"Dashboard screenshots: {ScreenshotDirectory}");

        _certificates = TestCertificates.Create(Path.Combine(_directory, "certs"));
        Environment["DATA_DIR"] = Path.Combine(_directory, "data");
        Environment["DEVICE_TOKENS"] = $"{TokenA}:{HomeA},{TokenB}:{HomeB}";
        Environment["TIMEZONE"] = "Europe/Brussels";
        Environment["GRID_AREA"] = "Antwerpen";
        Environment["VAT_PCT"] = "6";
        var loopbackPort = FreePort.Next();
        Environment["DASHBOARD_LOOPBACK_HTTP_PORT"] = loopbackPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LoopbackAddress = new Uri($"http://127.0.0.1:{loopbackPort}");
        Server = await ServerProcess.StartAsync(Environment, _certificates);

        await RunCliAsync(Password + "\n", "users", "add", Username, "--password-stdin");
        await RunCliAsync(null, "users", "grant", Username, HomeA, "--role", "owner");
        await RunCliAsync(null, "users", "grant", Username, HomeB, "--role", "viewer");

        await SeedAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = BrowserArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        Playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _certificates?.Dispose();
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient(Certificates.CreateTrustingHandler()) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A page in a fresh browser context (no cookies) with the given language and viewport.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-BE", int width = 1280, int height = 900, ColorScheme scheme = ColorScheme.Light,
        Uri? baseAddress = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            // The server's certificate comes from the tests' own CA.
            IgnoreHTTPSErrors = true,
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            TimezoneId = "Europe/Brussels",
            BaseURL = (baseAddress ?? Server.BaseAddress).ToString(),
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_browserErrors)
                {
                    _browserErrors.Add($"{message.Location}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_browserErrors)
            {
                _browserErrors.Add($"{page.Url}: uncaught {error}");
            }
        };
        return page;
    }

    /// <summary>Opens the dashboard and signs in; returns once the live power shows a number.</summary>
    public async Task<IPage> SignedInPageAsync(string locale = "en-BE", int width = 1280, int height = 900, ColorScheme scheme = ColorScheme.Light,
        Uri? baseAddress = null)
    {
        var page = await NewPageAsync(locale, width, height, scheme, baseAddress);
        await page.GotoAsync($"/#device={HomeA}");
        await page.GetByLabel(Labels.Username(locale)).FillAsync(Username);
        await page.GetByLabel(Labels.Password(locale)).FillAsync(Password);
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("live-power")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d"));
        await Assertions.Expect(page.GetByTestId("month-peak")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d"));
        return page;
    }

    /// <summary>Ingests one reading of home A at the current time with the given import power.</summary>
    public async Task<Sample> IngestNowAsync(int powerW, double? quarterEnergyKwh = null)
    {
        // Whole milliseconds: the store keeps microseconds, and the pushed sample is compared with this one.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var hours = Math.Max((now - _lastTs).TotalHours, 0);
        _importKwh += quarterEnergyKwh ?? (Math.Max(powerW, 0) * hours / 1000);
        var sample = new Sample
        {
            DeviceId = HomeA,
            Ts = now,
            PowerW = powerW,
            ImportPowerW = Math.Max(powerW, 0),
            EnergyImportKwh = Math.Round(_importKwh, 4),
            EnergyExportKwh = Math.Round(_exportKwh, 4),
            AveragePower15mW = 400,
            PowerL1W = powerW / 3,
            PowerL2W = powerW / 3,
            PowerL3W = powerW - (2 * (powerW / 3)),
        };
        _lastTs = now;
        using var client = Client(TokenA);
        await PostAsync(client, [sample]);
        return sample;
    }

    public static async Task PostAsync(HttpClient client, IReadOnlyList<Sample> samples)
    {
        using var response = await client.PostAsJsonAsync("/v1/ingest", new IngestRequest { Samples = [.. samples] }, WireJsonContext.Default.IngestRequest);
        Assert.True(response.IsSuccessStatusCode, $"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> GetJsonAsync(string token, string path)
    {
        using var client = Client(token);
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task SeedAsync()
    {
        // From the first of last month to now: a reading every 2 minutes, a modest base load with an evening
        // peak each day, export at midday, and a gap of up to four hours so that gaps show.
        var now = DateTimeOffset.UtcNow;
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels"));
        var start = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, local.Offset).AddMonths(-1).ToUniversalTime();
        // The gap lies in the running month, whatever day of the month it is.
        var monthStart = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, local.Offset).ToUniversalTime();
        var gapFrom = now.AddDays(-2) > monthStart ? now.AddDays(-2) : monthStart + ((now - monthStart) / 3);
        var gapLength = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(4).Ticks, (now - monthStart).Ticks / 6));
        var step = TimeSpan.FromMinutes(2);
        var batch = new List<Sample>();
        using var client = Client(TokenA);
        var random = new Random(7);
        for (var ts = start; ts < now.AddMinutes(-1); ts += step)
        {
            if (ts >= gapFrom && ts < gapFrom + gapLength)
            {
                continue;
            }

            var hour = TimeZoneInfo.ConvertTime(ts, TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels")).Hour;
            // The last hour is quiet, so that the quarter in progress starts out fine.
            var power = ts > now.AddHours(-1) ? 300 + random.Next(0, 100) : hour is >= 18 and < 20 ? 2800 + random.Next(0, 2200) : hour is >= 11 and < 15 ? -1500 + random.Next(0, 800) : 250 + random.Next(0, 300);
            var hours = step.TotalHours;
            if (power > 0)
            {
                _importKwh += power * hours / 1000;
            }
            else
            {
                _exportKwh += -power * hours / 1000;
            }

            batch.Add(new Sample
            {
                DeviceId = HomeA,
                Ts = ts,
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = Math.Round(_importKwh, 4),
                EnergyExportKwh = Math.Round(_exportKwh, 4),
                MonthlyPowerPeakW = 4100,
                MonthlyPowerPeakTs = start.AddDays(1),
            });
            _lastTs = ts;
            if (batch.Count == 5000)
            {
                await PostAsync(client, batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await PostAsync(client, batch);
        }

        await IngestNowAsync(350);

        using var other = Client(TokenB);
        await PostAsync(other, [new Sample
        {
            DeviceId = HomeB,
            Ts = now.AddMinutes(-1),
            PowerW = 900,
            ImportPowerW = 900,
            EnergyImportKwh = 50,
            EnergyExportKwh = 1,
        }]);
    }

    private Task<string> RunCliAsync(string? input, params string[] arguments) =>
        ServerProcess.RunAsync(Environment, input, arguments);
}

/// <summary>The sign-in labels per language (from the dashboard's resource files).</summary>
public static class Labels
{
    public static string Username(string locale) => locale[..2] switch { "nl" => "Gebruikersnaam", "fr" => "Nom d'utilisateur", _ => "Username" };

    public static string Password(string locale) => locale[..2] switch { "nl" => "Wachtwoord", "fr" => "Mot de passe", _ => "Password" };
}

[CollectionDefinition(Name)]
public sealed class DashboardGroup : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard";
}
