using Microsoft.AspNetCore.Identity;

namespace P1Telemetry.Server.Accounts;

/// <summary>The outcome of a sign-in attempt. <see cref="RetryAfter"/> is set when the username is locked.</summary>
public sealed record SignInResult(UserRecord? User, TimeSpan? RetryAfter);

/// <summary>
/// Checks a username and password. Unknown users cost the same password verification as known ones (against
/// a dummy hash), and every failure reads the same, so neither timing nor messages reveal which users exist.
/// </summary>
public sealed class SignInService(UserStore users, SignInThrottle throttle, IPasswordHasher<UserRecord> hasher)
{
    public const int MaxUsernameLength = 64;
    public const int MaxPasswordLength = 1024;

    private static readonly UserRecord Nobody = new(0, string.Empty, string.Empty, false, string.Empty);
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N")));

    public string HashPassword(string password) => hasher.HashPassword(Nobody, password);

    public async Task<SignInResult> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        if (await throttle.LockedForAsync(username, cancellationToken) is { } locked)
        {
            return new SignInResult(null, locked);
        }

        var user = username.Length is > 0 and <= MaxUsernameLength ? await users.FindAsync(username, cancellationToken) : null;
        var result = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? _dummyHash.Value, password);
        if (user is null || result == PasswordVerificationResult.Failed)
        {
            return new SignInResult(null, await throttle.RecordFailureAsync(username, cancellationToken));
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, hasher.HashPassword(user, password), cancellationToken);
        }

        await throttle.ResetAsync(username, cancellationToken);
        return new SignInResult(user, null);
    }
}
