using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace P1Telemetry.Dashboard.Tests;

[Collection(DashboardGroup.Name)]
public sealed partial class DashboardTests(DashboardServer dashboard, ITestOutputHelper output)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_the_right_one_opens_the_homes()
    {
        var page = await dashboard.NewPageAsync("nl-BE");
        await page.GotoAsync("/");
        await Expect(page.Locator("#sign-in-title")).ToHaveTextAsync("Aanmelden");
        // Before sign-in nothing of a session shows.
        await Expect(page.Locator("#sign-out")).ToBeHiddenAsync();
        await Expect(page.Locator("#device-picker")).ToBeHiddenAsync();
        await page.GetByLabel("Gebruikersnaam").FillAsync(DashboardServer.Username);
        await page.GetByLabel("Wachtwoord").FillAsync("not the password");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("De gebruikersnaam of het wachtwoord is fout.");
        await Expect(page.Locator("#app")).ToBeHiddenAsync();

        await page.GetByLabel("Wachtwoord").FillAsync(DashboardServer.Password);
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(page.GetByTestId("live-power")).ToHaveTextAsync(Digit());
        // Two homes: the overview shows a card for each.
        await Expect(page.Locator("#overview-cards li")).ToHaveCountAsync(2);
        await Expect(page.Locator("#settings")).ToBeVisibleAsync();

        // The viewer's home has no settings form.
        await page.Locator("#device").SelectOptionAsync(DashboardServer.HomeB);
        await Expect(page.Locator("#settings")).ToBeHiddenAsync();

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Every_figure_equals_what_the_api_answers_and_live_power_follows_an_ingest_without_reload()
    {
        await using var stream = await LiveEvents.OpenAsync(dashboard.Client(DashboardServer.TokenA), DashboardServer.HomeA);
        // The month's gap count grows at every quarter boundary: page and API must be read within one quarter.
        await AwayFromQuarterEndAsync(await stream.NextAsync("realtime", EventTimeout));
        var page = await dashboard.SignedInPageAsync("nl-BE");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var sample = await dashboard.IngestNowAsync(1234);
        var pushed = await stream.NextAsync("realtime", EventTimeout, e => e.GetProperty("ts").GetDateTimeOffset() == sample.Ts);

        // The page received the same push: the number changed in place.
        await Expect(page.GetByTestId("live-power")).ToHaveTextAsync("1,23");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

        var quarter = pushed.GetProperty("live_quarter");
        await AssertFigureAsync(page, "quarter-average", quarter.GetProperty("average_power_so_far_w").GetDouble() / 1000);
        await AssertFigureAsync(page, "quarter-projection", quarter.GetProperty("projected_average_power_w").GetDouble() / 1000);
        await AssertFigureAsync(page, "quarter-remaining", quarter.GetProperty("remaining_power_w").GetDouble() / 1000);
        await Expect(page.GetByTestId("quarter-state")).ToHaveAttributeAsync("data-state", quarter.GetProperty("state").GetString()!);
        Assert.Equal(quarter.GetProperty("target_w").GetDouble() / 1000, LocalNumber.Parse(await page.Locator("#quarter-target").InnerTextAsync()), 2);

        var month = await dashboard.GetJsonAsync(DashboardServer.TokenA, $"/v1/capacity/month/{BrusselsMonth()}?device_id={DashboardServer.HomeA}");
        await AssertFigureAsync(page, "month-peak", month.GetProperty("monthly_peak_w").GetDouble() / 1000);
        await AssertFigureAsync(page, "rolling-average", month.GetProperty("rolling_12m_average_w").GetDouble() / 1000);
        await AssertFigureAsync(page, "month-cost", month.GetProperty("cost_eur_incl_vat").GetDouble());
        Assert.Contains("€", await page.GetByTestId("month-cost").InnerTextAsync(), StringComparison.Ordinal);
        // The month's quarters are charted and its gap is reported.
        Assert.True(month.GetProperty("gap_quarters").GetInt32() > 0);
        await Expect(page.Locator("#month-gaps")).ToContainTextAsync(month.GetProperty("gap_quarters").GetInt32().ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#month-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#top-five tr")).ToHaveCountAsync(5);

        var year = await dashboard.GetJsonAsync(DashboardServer.TokenA, $"/v1/capacity/year/{BrusselsMonth()[..4]}?device_id={DashboardServer.HomeA}");
        Assert.Equal(year.GetProperty("cost_eur_incl_vat").GetDouble(), LocalNumber.Parse(await page.Locator("#year-cost").InnerTextAsync()), 2);
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_quarter_state_turns_at_risk_when_the_projection_crosses_ninety_percent_of_the_target()
    {
        var page = await dashboard.SignedInPageAsync("en-BE");
        await using var stream = await LiveEvents.OpenAsync(dashboard.Client(DashboardServer.TokenA), DashboardServer.HomeA);
        // Too close to the quarter's end for a clear projection: start with the next quarter.
        await AwayFromQuarterEndAsync(await stream.NextAsync("realtime", EventTimeout));

        var low = await dashboard.IngestNowAsync(300);
        var fine = (await stream.NextAsync("realtime", EventTimeout, e => e.GetProperty("ts").GetDateTimeOffset() == low.Ts)).GetProperty("live_quarter");
        Assert.Equal("fine", fine.GetProperty("state").GetString());
        await Expect(page.GetByTestId("quarter-state")).ToHaveAttributeAsync("data-state", "fine");
        await Expect(page.GetByTestId("quarter-state")).ToHaveTextAsync("Fine");

        // The import power that puts the projection at 96 % of the target, with no more energy drawn so far.
        var target = fine.GetProperty("target_w").GetDouble();
        var soFar = fine.GetProperty("average_power_so_far_w").GetDouble();
        var secondsLeft = fine.GetProperty("seconds_left").GetDouble() - 1;
        var power = (int)Math.Ceiling((0.96 * target - soFar) * 900 / secondsLeft);
        var high = await dashboard.IngestNowAsync(power, quarterEnergyKwh: 0);
        var risky = (await stream.NextAsync("realtime", EventTimeout, e => e.GetProperty("ts").GetDateTimeOffset() == high.Ts)).GetProperty("live_quarter");
        Assert.True(risky.GetProperty("projected_average_power_w").GetDouble() > 0.9 * risky.GetProperty("target_w").GetDouble());
        Assert.Equal("at_risk", risky.GetProperty("state").GetString());
        await Expect(page.GetByTestId("quarter-state")).ToHaveAttributeAsync("data-state", "at_risk");
        await Expect(page.GetByTestId("quarter-state")).ToHaveTextAsync("At risk");
        await AssertFigureAsync(page, "quarter-projection", risky.GetProperty("projected_average_power_w").GetDouble() / 1000);

        await dashboard.IngestNowAsync(300, quarterEnergyKwh: 0);
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_language_follows_the_browser_and_can_be_switched()
    {
        var visitor = await dashboard.NewPageAsync("fr-BE");
        await visitor.GotoAsync("/");
        await Expect(visitor.Locator("#sign-in-title")).ToHaveTextAsync("Connexion");
        Assert.Equal("fr", await visitor.Locator("html").GetAttributeAsync("lang"));

        var page = await dashboard.SignedInPageAsync("en-BE");
        await Expect(page.Locator("#now-title")).ToHaveTextAsync("Now");
        await page.Locator("#language").SelectOptionAsync("fr");
        await Expect(page.Locator("#now-title")).ToHaveTextAsync("Maintenant");
        await Expect(page.Locator("#month-title")).ToHaveTextAsync("Ce mois");
        Assert.True(LocalNumber.HasDecimalComma(await page.GetByTestId("month-peak").InnerTextAsync()));
        await page.Locator("#language").SelectOptionAsync("nl");
        await Expect(page.Locator("#now-title")).ToHaveTextAsync("Nu");
        Assert.True(LocalNumber.HasDecimalComma(await page.GetByTestId("live-power").InnerTextAsync()));
        // The choice is remembered.
        await page.ReloadAsync();
        await Expect(page.Locator("#now-title")).ToHaveTextAsync("Nu");
        await page.Locator("#language").SelectOptionAsync("en");
        await Expect(page.Locator("#quarter-title")).ToHaveTextAsync("This quarter-hour");
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_phone_shows_every_figure_without_horizontal_scrolling()
    {
        var page = await dashboard.SignedInPageAsync("nl-BE", 360, 780);
        foreach (var id in TestIds)
        {
            await Expect(page.GetByTestId(id)).ToHaveTextAsync(Digit());
        }

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the phone");
        AssertNoBrowserErrors();
    }

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Axe_finds_no_serious_or_critical_violation(ColorScheme scheme)
    {
        var visitor = await dashboard.NewPageAsync("nl-BE", scheme: scheme);
        await visitor.GotoAsync("/");
        await Expect(visitor.Locator("#sign-in")).ToBeVisibleAsync();
        AssertAccessible(await visitor.RunAxe(), "sign-in");

        var page = await dashboard.SignedInPageAsync("nl-BE", scheme: scheme);
        await Expect(page.Locator("#month-chart canvas")).ToHaveCountAsync(1);
        AssertAccessible(await page.RunAxe(), "dashboard");
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Screenshots_of_each_language_on_desktop_and_phone()
    {
        var page = await dashboard.SignedInPageAsync("en-BE");
        await Expect(page.Locator("#year-chart canvas")).ToHaveCountAsync(1);
        foreach (var language in new[] { "nl", "fr", "en" })
        {
            await page.Locator("#language").SelectOptionAsync(language);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            foreach (var width in new[] { 1280, 360 })
            {
                await page.SetViewportSizeAsync(width, width == 360 ? 780 : 900);
                await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
                var path = Path.Combine(dashboard.ScreenshotDirectory, $"dashboard-{language}-{width}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                output.WriteLine($"screenshot: {path}");
                if (width == 360)
                {
                    // The first screen a phone shows, at full resolution.
                    await page.EvaluateAsync("() => window.scrollTo(0, 0)");
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = path.Replace(".png", "-top.png", StringComparison.Ordinal) });
                }
                Assert.True(new FileInfo(path).Length > 10_000);
            }
        }

        var signIn = await dashboard.NewPageAsync("fr-BE", 360, 780, ColorScheme.Dark);
        await signIn.GotoAsync("/");
        await Expect(signIn.Locator("#sign-in")).ToBeVisibleAsync();
        await signIn.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dashboard.ScreenshotDirectory, "sign-in-fr-360-dark.png") });
        var dark = await dashboard.SignedInPageAsync("nl-BE", 1280, 900, ColorScheme.Dark);
        await Expect(dark.Locator("#month-chart canvas")).ToHaveCountAsync(1);
        await dark.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dashboard.ScreenshotDirectory, "dashboard-nl-1280-dark.png"), FullPage = true });
        AssertNoBrowserErrors();
    }

    private static readonly string[] TestIds =
        ["live-power", "quarter-average", "quarter-projection", "quarter-remaining", "month-peak", "rolling-average", "month-cost"];

    private static Regex Digit() => DigitPattern();

    [GeneratedRegex(@"\d")]
    private static partial Regex DigitPattern();

    private static string BrusselsMonth() =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels")).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static async Task AssertFigureAsync(IPage page, string testId, double expected)
    {
        var text = await page.GetByTestId(testId).InnerTextAsync();
        // Shown with two decimals: equal to the API's value at that precision.
        Assert.True(Math.Abs(LocalNumber.Parse(text) - expected) <= 0.0051, $"{testId} shows '{text}', the API answered {expected}");
    }

    private void AssertAccessible(AxeResult result, string what)
    {
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var violation in serious)
        {
            output.WriteLine($"{what}: {violation.Id} ({violation.Impact}): {violation.Help} — {string.Join(", ", violation.Nodes.Select(n => n.Html))}");
        }

        Assert.Empty(serious);
    }

    /// <summary>Starts a test in the next quarter when the live one (as the server's push says) ends within two minutes.</summary>
    private static async Task AwayFromQuarterEndAsync(JsonElement realtime)
    {
        var secondsLeft = realtime.GetProperty("live_quarter").GetProperty("seconds_left").GetDouble();
        if (secondsLeft < 120)
        {
            await Task.Delay(TimeSpan.FromSeconds(secondsLeft + 2));
        }
    }

    private void AssertNoBrowserErrors()
    {
        // The refused sign-in is the one error a browser logs on purpose: the 401 of POST /login.
        var errors = dashboard.BrowserErrors.Where(e => !(e.Contains("/login", StringComparison.Ordinal) && e.Contains("status of 401", StringComparison.Ordinal))).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
