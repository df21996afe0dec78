using Jakamo.Portal.Core.Webhooks;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>Decrypted authentication settings of one webhook, for the sender only. Never logged or stored.</summary>
public sealed record WebhookCredentials(
    int WebhookId,
    WebhookAuthMethod Method,
    string? TokenUrl = null,
    string? ClientId = null,
    string? ClientSecret = null,
    string? Scope = null,
    string? UserName = null,
    string? Password = null,
    string? HeaderName = null,
    string? HeaderValue = null);

/// <summary>One HTTP exchange to make: a webhook message for one delivery.</summary>
public sealed record OutboundMessage(
    long DeliveryId,
    long EventId,
    string EventType,
    string PayloadUrl,
    string ContentType,
    string Body,
    string? AcknowledgeUri,
    WebhookCredentials Credentials,
    string? SigningSecret);

/// <summary>A header as stored in the transport log; secret values are already masked.</summary>
public sealed record LoggedHeader(string Name, string Value);

/// <summary>What happened in one exchange, or in the failure to make it. Safe to store and show: secrets are masked.</summary>
public sealed record SendResult
{
    public required DateTime StartedAt { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string Method { get; init; }

    public required string Url { get; init; }

    public required IReadOnlyList<LoggedHeader> RequestHeaders { get; init; }

    public required string RequestBody { get; init; }

    /// <summary>The response status, or null when no response came (refused, timed out, blocked, TLS failure...).</summary>
    public int? StatusCode { get; init; }

    public IReadOnlyList<LoggedHeader> ResponseHeaders { get; init; } = [];

    /// <summary>The response body, cut to <see cref="WebhookSenderOptions.MaxStoredResponseBytes"/>.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>The full size of the response body in bytes, also when it was cut.</summary>
    public long? ResponseBodySize { get; init; }

    public bool ResponseBodyTruncated { get; init; }

    /// <summary>The receiver's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Any 2xx.</summary>
    public bool Success => StatusCode is >= 200 and < 300;

    /// <summary>Additional messages for the transport log, e.g. "connection refused", "timed out after 30 s".</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
}

/// <summary>Makes one webhook HTTP exchange. Never throws for a receiver's failure: it is reported in the result.</summary>
public interface IWebhookSender
{
    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>Settings under <c>Portal:Delivery</c> for outbound HTTP.</summary>
public sealed class WebhookSenderOptions
{
    public const string SectionName = "Portal:Delivery";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxStoredResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Lets deliveries connect to loopback addresses (Development and tests only).</summary>
    public bool AllowLoopback { get; set; }
}

/// <summary>The firewall openings as the outbound guard sees them: opened hosts, kept fresh from the database.</summary>
public interface IOpenedHosts
{
    /// <summary>True when support opened this host name or IP literal.</summary>
    bool IsOpened(string host);
}
