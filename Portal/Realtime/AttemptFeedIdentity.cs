using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Jakamo.Portal.Core.Security;

namespace Jakamo.Portal.Realtime;

/// <summary>The pages' feed signs in to its own node's hub with a random secret made at start-up. The secret never
/// leaves the process, and the token handler accepts it only on /hubs, where it stands for support-wide reading.</summary>
internal sealed class AttemptFeedIdentity
{
    public const string UserName = "system:attempt-feed";

    private readonly byte[] _secretBytes;

    public AttemptFeedIdentity()
    {
        Secret = "jkfeed_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _secretBytes = Encoding.UTF8.GetBytes(Secret);
    }

    public string Secret { get; }

    public bool Matches(string token) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _secretBytes);

    public ClaimsPrincipal Principal(string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, UserName),
            new Claim(ClaimTypes.Name, UserName),
            new Claim(ClaimTypes.Role, PortalRoles.Support),
        ],
        scheme));
}
