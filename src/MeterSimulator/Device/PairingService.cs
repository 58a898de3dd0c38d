using System.Security.Cryptography;
using System.Text;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// The v2 user list: pressing the button opens a 30 s window in which <c>POST /api/user</c> may create a
/// user; each user name holds one token, and pairing the same name again replaces (invalidates) its token.
/// </summary>
internal sealed class PairingService(TimeProvider timeProvider)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _tokensByName = new(StringComparer.Ordinal);
    private DateTimeOffset _windowClosesAt = DateTimeOffset.MinValue;

    public bool IsWindowOpen
    {
        get
        {
            lock (_gate)
            {
                return timeProvider.GetUtcNow() < _windowClosesAt;
            }
        }
    }

    public void PressButton()
    {
        lock (_gate)
        {
            _windowClosesAt = timeProvider.GetUtcNow() + Window;
        }
    }

    /// <summary>A new token for <paramref name="name"/>, or null when the button was not pressed recently.</summary>
    public string? TryCreateUser(string name)
    {
        lock (_gate)
        {
            return timeProvider.GetUtcNow() < _windowClosesAt ? Issue(name) : null;
        }
    }

    /// <summary>A token as if <paramref name="name"/> had paired, without the button.</summary>
    public string CreatePairedToken(string name)
    {
        lock (_gate)
        {
            return Issue(name);
        }
    }

    public void AddToken(string name, string token)
    {
        lock (_gate)
        {
            _tokensByName[name] = token;
        }
    }

    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        string[] tokens;
        lock (_gate)
        {
            tokens = [.. _tokensByName.Values];
        }

        var presented = Encoding.UTF8.GetBytes(token);
        var valid = false;
        foreach (var known in tokens)
        {
            // Compare against every token so the time taken does not reveal which one (nearly) matched.
            valid |= CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(known));
        }

        return valid;
    }

    private string Issue(string name)
    {
        var token = RandomNumberGenerator.GetHexString(32, lowercase: false);
        _tokensByName[name] = token;
        return token;
    }
}
