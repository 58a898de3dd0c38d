using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>
/// What the upload tests stand on: a spool in a temporary directory on a fake clock, and a real HTTPS ingest
/// endpoint (Kestrel on 127.0.0.1) with a certificate from a test CA that the uploader trusts.
/// </summary>
public abstract class UploadTestBase<TClock>(TClock time, string commonName) : IAsyncLifetime
    where TClock : FakeTimeProvider
{
    protected TestDirectory Directory { get; } = new();

    protected TClock Time { get; } = time;

    protected TestCertificates Ca { get; } = TestCertificates.Create(commonName: commonName);

    protected IngestTestServer Server { get; private set; } = null!;

    protected SampleSpool Spool { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await IngestTestServer.StartAsync(Ca.IssueServerCertificate());
        Spool = SampleSpool.Open(Directory.File("spool.db"), Time);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Spool.Dispose();
        Ca.Dispose();
        Directory.Dispose();
    }
}
