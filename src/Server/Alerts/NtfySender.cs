using System.Net.Http.Headers;
using System.Text;

namespace P1Telemetry.Server.Alerts;

/// <summary>ntfy's publish format: the message as the body of a POST to the topic URL, the rest in headers.</summary>
public sealed class NtfySender(IHttpClientFactory clients) : IAlertSender
{
    public string Channel => AlertChannels.Ntfy;

    public async Task SendAsync(StoredAlert alert, AlertPayload payload, DeviceAlertSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var url = settings.NtfyUrl ?? throw new AlertDeliveryException("no ntfy URL is configured");
        var message = AlertMessages.Format(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(message.Text, Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Title", message.Title);
        request.Headers.Add("Priority", message.Priority);
        request.Headers.Add("Tags", message.Tags);
        if (settings.NtfyToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await clients.CreateClient(AlertHttp.ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AlertDeliveryException($"ntfy answered {(int)response.StatusCode}");
        }
    }
}
