using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Integrations;

namespace Jakamo.Portal.Core.Webhooks;

public enum WebhookAuthMethod
{
    None = 0,
    OAuth2ClientCredentials = 1,
    Basic = 2,
    ApiKeyHeader = 3,
}

public enum EventSelection
{
    Selected = 0,
    All = 1,
}

/// <summary>A company's webhook. Secret columns hold Data Protection payloads, never plain text.</summary>
public sealed class Webhook
{
    public int Id { get; set; }

    public int CompanyId { get; set; }

    public Company? Company { get; set; }

    public required string Name { get; set; }

    public required string PayloadUrl { get; set; }

    public WebhookAuthMethod AuthMethod { get; set; }

    public string? OAuthTokenUrl { get; set; }

    public string? OAuthClientId { get; set; }

    public string? OAuthClientSecretProtected { get; set; }

    public string? OAuthScope { get; set; }

    public string? BasicUserName { get; set; }

    public string? BasicPasswordProtected { get; set; }

    public string? ApiKeyHeaderName { get; set; }

    public string? ApiKeyValueProtected { get; set; }

    public string? SigningSecretProtected { get; set; }

    public int? IntegrationId { get; set; }

    public Integration? Integration { get; set; }

    public bool RemoveFromQueueOnSuccess { get; set; }

    public bool DisableAutomaticRetry { get; set; }

    public EventSelection EventSelection { get; set; }

    public List<WebhookEventType> EventTypes { get; set; } = [];

    public bool Enabled { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>When the first message left for this webhook; once set the webhook can never be deleted.</summary>
    public DateTime? FirstMessageSentAt { get; set; }

    public bool HasSentMessages => FirstMessageSentAt is not null;
}

/// <summary>One selected event type of a webhook.</summary>
public sealed class WebhookEventType
{
    public int WebhookId { get; set; }

    public required string EventTypeName { get; set; }
}
