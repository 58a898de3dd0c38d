using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Keeps the data-protection key ring (which protects session cookies and antiforgery tokens) in the
/// database, so that restarts and every replica share it.
/// </summary>
public sealed class DatabaseXmlRepository(AccountDatabase database) : IXmlRepository
{
    // The key manager calls these synchronously and rarely (at start, then about once a day).
    public IReadOnlyCollection<XElement> GetAllElements() => GetAllElementsAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) =>
        StoreElementAsync(element, friendlyName, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "SELECT xml FROM data_protection_keys ORDER BY friendly_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var elements = new List<XElement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    private async Task StoreElementAsync(XElement element, string friendlyName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml)
            ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml
            """, ("name", friendlyName), ("xml", element.ToString(SaveOptions.DisableFormatting)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
