using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Identity;

public static class MeEndpoints
{
    /// <summary><c>GET /v1/me</c>: the device the calling token belongs to, so the edge never guesses its id.</summary>
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", (HttpContext context) => TypedResults.Ok(new MeResponse(context.User.GetDeviceId()!)))
            .WithName("GetMe")
            .WithSummary("The device that the bearer token belongs to")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }
}
