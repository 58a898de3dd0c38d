using Microsoft.AspNetCore.Routing.Matching;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>Which listener an endpoint belongs to: v1 answers on plain HTTP only, v2 on HTTPS only.</summary>
internal sealed record ApiListenerMetadata(bool Https);

/// <summary>
/// Both API versions have a <c>GET /api</c> that answers differently; this policy keeps an endpoint to the
/// listener it belongs to, whatever ports the listeners got.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<ApiListenerMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            var listener = candidates[i].Endpoint.Metadata.GetMetadata<ApiListenerMetadata>();
            if (listener is not null && listener.Https != httpContext.Request.IsHttps)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
