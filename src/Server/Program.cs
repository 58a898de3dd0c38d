var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "P1 Telemetry");

await app.RunAsync();
