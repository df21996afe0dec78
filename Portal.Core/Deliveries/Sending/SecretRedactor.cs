using System.Net;
using System.Text;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>
/// Removes a webhook's secrets from text the transport log keeps, in case a receiver or token endpoint echoes them
/// back (in a body, a header or an error message), plain or in the base64 of a Basic header.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = "••••••";

    // Shorter values would turn ordinary words of a response into masks.
    private const int MinimumLength = 4;

    private readonly List<string> _secrets = [];

    public SecretRedactor(WebhookCredentials credentials, string? signingSecret)
    {
        Add(credentials.ClientSecret);
        Add(credentials.Password);
        Add(credentials.HeaderValue);
        Add(signingSecret);
        if (credentials.ClientSecret is { Length: > 0 } clientSecret)
        {
            Add(WebUtility.UrlEncode(clientSecret));
            AddBasic(credentials.ClientId ?? "", clientSecret);
            AddBasic(WebUtility.UrlEncode(credentials.ClientId ?? ""), WebUtility.UrlEncode(clientSecret));
        }

        if (credentials.Password is { Length: > 0 } password)
        {
            AddBasic(credentials.UserName ?? "", password);
        }
    }

    public void Add(string? secret)
    {
        if (secret is { Length: >= MinimumLength } && !_secrets.Contains(secret, StringComparer.Ordinal))
        {
            _secrets.Add(secret);
            // Longest first, so a secret that contains another is masked whole.
            _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private void AddBasic(string user, string password) =>
        Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
