using P1Telemetry.Server;

// `p1-server` serves; `p1-server migrate` applies the database migrations and exits.
var migrate = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrate ? args[1..] : args);
builder.AddP1Server();
var app = builder.Build();
if (migrate)
{
    return await app.MigrateAsync();
}

app.MapP1Server();
return await app.ServeAsync();
