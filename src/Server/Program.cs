using P1Telemetry.Server;
using P1Telemetry.Server.Accounts.Cli;

// `p1-server` serves; `p1-server migrate` applies the database migrations and exits; `p1-server devices|users|tariffs ...`
// manage homes, people and tokens in the database.
var migrate = args is ["migrate", ..];
var manage = args is [AccountsCommandLine.Devices or AccountsCommandLine.Users or AccountsCommandLine.Tariffs, ..];
var builder = WebApplication.CreateBuilder(migrate ? args[1..] : manage ? [] : args);
builder.AddP1Server();
if (manage)
{
    // Machine-readable output (--json) must not mix with log lines.
    builder.Logging.ClearProviders();
}

var app = builder.Build();
if (migrate)
{
    return await app.MigrateAsync();
}

if (manage)
{
    return await AccountsCommandLine.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
}

app.MapP1Server();
return await app.ServeAsync();
