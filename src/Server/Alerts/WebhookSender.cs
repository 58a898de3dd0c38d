using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace P1Telemetry.Server.Alerts;

/// <summary>POSTs the alert's JSON, signed: <c>X-P1-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
public sealed class WebhookSender(IHttpClientFactory clients) : IAlertSender
{
    public const string SignatureHeader = "X-P1-Signature";

    public string Channel => AlertChannels.Webhook;

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task SendAsync(StoredAlert alert, AlertPayload payload, DeviceAlertSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.WebhookUrl is not { } url || settings.WebhookSecret is not { } secret)
        {
            throw new AlertDeliveryException("no webhook URL and secret are configured");
        }

        // The stored payload is sent byte for byte, so every retry carries the same body and signature.
        var body = Encoding.UTF8.GetBytes(alert.Payload);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add(SignatureHeader, Sign(body, secret));
        using var response = await clients.CreateClient(AlertHttp.ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AlertDeliveryException($"the webhook answered {(int)response.StatusCode}");
        }
    }
}
