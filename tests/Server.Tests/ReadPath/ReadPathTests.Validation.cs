using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    [Theory]
    [InlineData("/v1/capacity/month/2026-13", "month")]
    [InlineData("/v1/capacity/month/2026-3", "month")]
    [InlineData("/v1/capacity/month/march", "month")]
    [InlineData("/v1/capacity/month/1900-01", "month")]
    [InlineData("/v1/capacity/month/2026-03-01", "month")]
    [InlineData("/v1/capacity/year/26", "year")]
    [InlineData("/v1/capacity/year/2O26", "year")]
    [InlineData("/v1/capacity/year/99999", "year")]
    [InlineData("/v1/series?frame=week", "frame")]
    [InlineData("/v1/series?frame=DAY", "frame")]
    [InlineData("/v1/series?frame=day&bucket=minute", "bucket")]
    [InlineData("/v1/series?frame=day&bucket=month", "bucket")]
    [InlineData("/v1/series?frame=month&date=2026-02-30", "date")]
    [InlineData("/v1/series?frame=day&date=01-03-2026", "date")]
    [InlineData("/v1/series?frame=year&date=0001-01-01", "date")]
    [InlineData("/v1/export?to=2026-03-02", "from")]
    [InlineData("/v1/export?from=2026-03-01", "to")]
    [InlineData("/v1/export?from=yesterday&to=2026-03-02", "from")]
    [InlineData("/v1/export?from=2026-03-01T00:00:00&to=2026-03-02", "from")]
    [InlineData("/v1/export?from=2026-03-01&to=2026-03-32", "to")]
    [InlineData("/v1/export?from=2026-03-02&to=2026-03-01", "to")]
    [InlineData("/v1/export?from=2026-03-01&to=2026-03-01", "to")]
    [InlineData("/v1/export?from=2000-01-01&to=2026-01-01", "to")]
    [InlineData("/v1/export?from=2026-03-01&to=2026-03-02&format=xml", "format")]
    [InlineData("/v1/export?from=2026-03-01&to=2026-03-02&resolution=minute", "resolution")]
    public async Task A_bad_parameter_is_a_400_problem_naming_it(string path, string parameter)
    {
        using var client = Client();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';

        using var response = await client.GetAsync($"{path}{separator}device_id={ServerFactory.Device1}");

        var problem = await response.ReadProblemAsync(400);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/capacity/month/2026-03")]
    [InlineData("/v1/capacity/year/2026")]
    [InlineData("/v1/series?frame=day")]
    [InlineData("/v1/export?from=2026-03-01&to=2026-03-02")]
    public async Task Read_endpoints_need_the_devices_token(string path)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var anonymous = Server.CreateClient(token: null);
        using var other = Server.CreateClient(ServerFactory.Token2);
        using var owner = Client();

        using var unauthenticated = await anonymous.GetAsync($"{path}{separator}device_id={ServerFactory.Device1}");
        using var forbidden = await other.GetAsync($"{path}{separator}device_id={ServerFactory.Device1}");
        using var missing = await owner.GetAsync(path);

        Assert.Equal(401, (int)unauthenticated.StatusCode);
        await forbidden.ReadProblemAsync(403);
        await missing.ReadProblemAsync(400);
    }
}
