using Npgsql;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Configuration;

namespace P1Telemetry.Server.Tests.Configuration;

public sealed class ParsingTests
{
    [Fact]
    public void A_postgresql_url_becomes_a_connection_string_with_decoded_credentials()
    {
        Assert.True(DatabaseUrl.TryParse("postgresql://p1%40user:p%3Ass%2Fw0rd@db.example:6543/tele%20metry?sslmode=require&application_name=api", out var builder, out var error), error);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("p1@user", builder.Username);
        Assert.Equal("p:ss/w0rd", builder.Password);
        Assert.Equal("tele metry", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("api", builder.ApplicationName);
    }

    [Fact]
    public void A_postgres_url_without_port_uses_5432()
    {
        Assert.True(DatabaseUrl.TryParse("postgres://u@localhost/p1", out var builder, out _));
        Assert.Equal(5432, builder.Port);
        Assert.Equal("u", builder.Username);
        Assert.Null(builder.Password);
    }

    [Fact]
    public void An_npgsql_key_value_string_is_accepted()
    {
        Assert.True(DatabaseUrl.TryParse("Host=127.0.0.1;Port=5433;Username=postgres;Database=p1", out var builder, out _));
        Assert.Equal(5433, builder.Port);
        Assert.Equal("p1", builder.Database);
    }

    [Theory]
    [InlineData("mysql://u:p@h/db")]
    [InlineData("postgresql://")]
    [InlineData("Host=h;Bogus Key=1")]
    [InlineData("Database=p1")]
    [InlineData("postgresql://u:p@h/db?sslmode=sometimes")]
    public void A_bad_database_url_is_rejected_naming_the_variable(string value)
    {
        Assert.False(DatabaseUrl.TryParse(value, out _, out var error));
        Assert.Contains("DATABASE_URL", error);
    }

    [Fact]
    public void Device_tokens_accept_plain_and_sha256_entries()
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("s3cret:with:colons"u8));
        Assert.True(DeviceTokenRegistry.TryParse($" abc:meter-1 , sha256:{hash}:meter.2 ,xyz:meter-1", out var registry, out var error), error);

        Assert.Equal(3, registry.Count);
        Assert.Equal("meter-1", registry.FindDevice("abc"));
        Assert.Equal("meter-1", registry.FindDevice("xyz"));
        Assert.Equal("meter.2", registry.FindDevice("s3cret:with:colons"));
        Assert.Null(registry.FindDevice("abd"));
        Assert.Null(registry.FindDevice(""));
        Assert.Null(registry.FindDevice(hash));
    }

    [Fact]
    public void Empty_device_tokens_are_allowed_when_every_device_is_in_the_database()
    {
        Assert.True(DeviceTokenRegistry.TryParse("", out var registry, out _));
        Assert.Equal(0, registry.Count);
        Assert.Null(registry.FindDevice("anything"));
    }

    [Theory]
    [InlineData("tokenwithoutdevice")]
    [InlineData("token:")]
    [InlineData(":device")]
    [InlineData("a:dev,,b:dev")]
    [InlineData("a:bad device")]
    [InlineData("sha256:abc:device")]
    [InlineData("sha256:zz00000000000000000000000000000000000000000000000000000000000000:device")]
    [InlineData("same:one,same:two")]
    public void Bad_device_tokens_are_rejected_naming_the_variable_but_never_the_token(string value)
    {
        Assert.False(DeviceTokenRegistry.TryParse(value, out _, out var error));
        Assert.Contains("DEVICE_TOKENS", error);
        Assert.DoesNotContain("same", error);
        Assert.DoesNotContain("tokenwithoutdevice", error);
    }

    [Fact]
    public void A_redis_url_with_password_and_database_is_parsed()
    {
        Assert.True(RedisUrl.TryParse("redis://:p%40ss@cache.local:6380/3", out var options, out var error), error);
        Assert.Equal("p@ss", options.Password);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.False(options.AbortOnConnectFail);
        Assert.Contains("cache.local:6380", options.EndPoints.Single().ToString());
    }

    [Theory]
    [InlineData("http://cache:6379")]
    [InlineData("redis://")]
    [InlineData("redis://cache:6379/abc")]
    public void A_bad_redis_url_is_rejected_naming_the_variable(string value)
    {
        Assert.False(RedisUrl.TryParse(value, out _, out var error));
        Assert.Contains("REDIS_URL", error);
    }
}
