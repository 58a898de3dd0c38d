using System.Globalization;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace P1Telemetry.Dashboard.Tests;

public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_top_five_and_the_daily_peaks_are_the_api_values()
    {
        var page = await dashboard.SignedInPageAsync("fr-BE");
        var month = await dashboard.GetJsonAsync(DashboardServer.TokenA, $"/v1/capacity/month/{BrusselsMonth()}?device_id={DashboardServer.HomeA}");
        var top = month.GetProperty("top_quarters").EnumerateArray().ToList();
        var days = month.GetProperty("daily_peaks").EnumerateArray().ToList();
        Assert.Equal(5, top.Count);
        Assert.NotEmpty(days);

        var topRows = page.GetByTestId("top-quarters").Locator("tr");
        await Expect(topRows).ToHaveCountAsync(top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            var value = await topRows.Nth(i).Locator("td.num").TextContentAsync();
            Assert.Equal(top[i].GetProperty("average_power_w").GetDouble() / 1000, LocalNumber.Parse(value!), 2);
        }

        // One row per local day, in the API's order, with its peak (or a dash) and its gap quarters.
        await page.Locator("details.as-table summary").ClickAsync();
        var dayRows = page.GetByTestId("daily-peaks").Locator("tbody tr");
        await Expect(dayRows).ToHaveCountAsync(days.Count);
        for (var i = 0; i < days.Count; i++)
        {
            var cells = dayRows.Nth(i).Locator("td");
            var peak = days[i].GetProperty("peak_w");
            var shown = (await cells.Nth(0).TextContentAsync())!;
            if (peak.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("—", shown);
            }
            else
            {
                Assert.Equal(peak.GetDouble() / 1000, LocalNumber.Parse(shown), 2);
            }

            Assert.Equal(days[i].GetProperty("gap_quarters").GetInt32(), int.Parse(
                (await cells.Nth(1).TextContentAsync())!.Replace("\u202f", string.Empty, StringComparison.Ordinal).Replace("\u00a0", string.Empty, StringComparison.Ordinal),
                CultureInfo.InvariantCulture));
        }

        // The seeded gap shows on its day(s): together they hold the month's gap quarters.
        Assert.Equal(month.GetProperty("gap_quarters").GetInt32(), days.Sum(d => d.GetProperty("gap_quarters").GetInt32()));
        await Expect(page.Locator("#daily-chart canvas")).ToHaveCountAsync(1);
        AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_last_upload_is_shown_and_turns_into_a_warning_when_old()
    {
        await dashboard.IngestNowAsync(420);
        var devices = await dashboard.GetJsonAsync(DashboardServer.TokenA, "/v1/devices");
        var home = Assert.Single(devices.GetProperty("devices").EnumerateArray(), d => d.GetProperty("device_id").GetString() == DashboardServer.HomeA);
        var uploaded = home.GetProperty("last_upload_at").GetDateTimeOffset();
        Assert.True(DateTimeOffset.UtcNow - uploaded < TimeSpan.FromSeconds(30), $"last_upload_at {uploaded:O} is not the ingest just made");

        var page = await dashboard.SignedInPageAsync("en-BE");
        var upload = page.GetByTestId("last-upload");
        await Expect(upload).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"last upload \d+ s ago"));
        await Expect(upload).Not.ToHaveClassAsync("warning");

        // Ten minutes later by the page's clock, without a new upload: a warning.
        await page.Clock.SetFixedTimeAsync(uploaded.UtcDateTime.AddMinutes(10));
        await Expect(upload).ToHaveTextAsync("· last upload 10 min ago");
        await Expect(upload).ToHaveClassAsync("warning");
        AssertNoBrowserErrors();
    }
}
