using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel.Client;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>A bearer token, or why none could be had. <see cref="Error"/> is safe to log.</summary>
internal readonly record struct TokenOutcome(string? AccessToken, string? Error);

/// <summary>
/// OAuth2 client-credentials tokens, one per webhook, kept until shortly before they expire. A token is bound to a
/// hash of the settings that fetched it, so a webhook whose secret, client id, token URL or scope changed gets a new one.
/// </summary>
internal sealed class OAuthTokenCache(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "oauth-token";

    private static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromSeconds(60);

    // Without expires_in the token's life is unknown; a receiver's 401 still clears it sooner.
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<int, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _fetchLocks = new();

    /// <summary>A cached token, or a fresh one from the token endpoint. Throws only for cancellation.</summary>
    public async Task<TokenOutcome> GetAsync(WebhookCredentials credentials, CancellationToken cancellationToken)
    {
        var settingsHash = HashOf(credentials);
        if (TryGetFresh(credentials.WebhookId, settingsHash) is { } cached)
        {
            return new TokenOutcome(cached, null);
        }

        // One fetch per webhook at a time: many deliveries waiting on an expired token would otherwise each fetch one.
        var fetchLock = _fetchLocks.GetOrAdd(credentials.WebhookId, _ => new SemaphoreSlim(1, 1));
        await fetchLock.WaitAsync(cancellationToken);
        try
        {
            if (TryGetFresh(credentials.WebhookId, settingsHash) is { } fetchedMeanwhile)
            {
                return new TokenOutcome(fetchedMeanwhile, null);
            }

            var outcome = await FetchAsync(credentials, cancellationToken);
            if (outcome.Token is { } token)
            {
                _tokens[credentials.WebhookId] = token with { SettingsHash = settingsHash };
            }

            return new TokenOutcome(outcome.Token?.AccessToken, outcome.Error);
        }
        finally
        {
            fetchLock.Release();
        }
    }

    /// <summary>Drops the webhook's token if it is still <paramref name="accessToken"/>, e.g. after the receiver answered 401.</summary>
    public void Forget(int webhookId, string accessToken)
    {
        if (_tokens.TryGetValue(webhookId, out var cached) && cached.AccessToken == accessToken)
        {
            _tokens.TryRemove(new KeyValuePair<int, CachedToken>(webhookId, cached));
        }
    }

    /// <summary>Drops the webhook's token whatever it is, e.g. when the webhook is deleted.</summary>
    public void Forget(int webhookId) => _tokens.TryRemove(webhookId, out _);

    private string? TryGetFresh(int webhookId, string settingsHash) =>
        _tokens.TryGetValue(webhookId, out var cached) && cached.SettingsHash == settingsHash && time.GetUtcNow() < cached.RenewAt
            ? cached.AccessToken
            : null;

    private async Task<(CachedToken? Token, string? Error)> FetchAsync(WebhookCredentials credentials, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(credentials.TokenUrl) || !Uri.TryCreate(credentials.TokenUrl, UriKind.Absolute, out var tokenUri)
            || (tokenUri.Scheme != Uri.UriSchemeHttps && tokenUri.Scheme != Uri.UriSchemeHttp))
        {
            return (null, "OAuth2 token request failed: the token URL is not a valid http or https URL");
        }

        var request = new ClientCredentialsTokenRequest
        {
            Address = credentials.TokenUrl,
            ClientId = credentials.ClientId ?? "",
            ClientSecret = credentials.ClientSecret,
            Scope = string.IsNullOrWhiteSpace(credentials.Scope) ? null : credentials.Scope,
        };
        var fetchedAt = time.GetUtcNow();
        using var client = clients.CreateClient(ClientName);
        using var response = await client.RequestClientCredentialsTokenAsync(request, cancellationToken);
        if (response.ErrorType == ResponseErrorType.Exception && response.Exception is { } exception)
        {
            // The library reports a cancellation as an error; the caller decides what it means (timeout or shutdown).
            if (exception is OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return (null, "OAuth2 token request failed: " + TransportFailures.Describe(exception));
        }

        if (response.IsError || string.IsNullOrEmpty(response.AccessToken))
        {
            return (null, "OAuth2 token request failed: " + Describe(response));
        }

        var lifetime = response.ExpiresIn > 0 ? TimeSpan.FromSeconds(response.ExpiresIn) : DefaultLifetime;
        var margin = lifetime > 2 * RenewBeforeExpiry ? RenewBeforeExpiry : lifetime / 2;
        return (new CachedToken(response.AccessToken, fetchedAt + lifetime - margin, ""), null);
    }

    private static string Describe(TokenResponse response)
    {
        if (!response.IsError)
        {
            return "the response has no access_token";
        }

        // The OAuth error code ("invalid_client") says more than the reason phrase ("Unauthorized").
        var error = response.TryGet("error") ?? (response.ErrorType == ResponseErrorType.Http ? response.HttpErrorReason : response.Error);
        var status = (int)response.HttpStatusCode;
        var text = status > 0 ? string.Create(CultureInfo.InvariantCulture, $"{status} {error}") : error ?? "unknown error";
        return TransportFailures.Sanitize(text);
    }

    private static string HashOf(WebhookCredentials credentials)
    {
        var material = string.Join('\n', credentials.TokenUrl, credentials.ClientId, credentials.ClientSecret, credentials.Scope);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RenewAt, string SettingsHash);
}
