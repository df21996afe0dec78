using Jakamo.Portal.Core.Events;

namespace Jakamo.Portal.Core.Webhooks;

/// <summary>What a form or API call submits. A null secret keeps the stored one; a value replaces it.</summary>
public sealed class WebhookInput
{
    /// <summary>The company; required for support, ignored for a company admin (always their own).</summary>
    public int? CompanyId { get; set; }

    public string? Name { get; set; }

    public string? PayloadUrl { get; set; }

    public WebhookAuthMethod AuthMethod { get; set; } = WebhookAuthMethod.OAuth2ClientCredentials;

    public string? OAuthTokenUrl { get; set; }

    public string? OAuthClientId { get; set; }

    public string? OAuthClientSecret { get; set; }

    public string? OAuthScope { get; set; }

    public string? BasicUserName { get; set; }

    public string? BasicPassword { get; set; }

    public string? ApiKeyHeaderName { get; set; }

    public string? ApiKeyValue { get; set; }

    public int? IntegrationId { get; set; }

    public bool RemoveFromQueueOnSuccess { get; set; }

    public bool DisableAutomaticRetry { get; set; }

    public EventSelection EventSelection { get; set; } = EventSelection.Selected;

    public List<string> EventTypes { get; set; } = [];

    public bool Enabled { get; set; } = true;

    /// <summary>Generate a new signing secret; it is returned once in the save result.</summary>
    public bool GenerateSigningSecret { get; set; }

    /// <summary>Remove the signing secret, so requests are no longer signed.</summary>
    public bool RemoveSigningSecret { get; set; }
}

public enum FirewallStatus
{
    WaitingForSupport = 0,
    Opened = 1,
}

/// <summary>A webhook as shown to users: secrets appear only as "set" flags.</summary>
public sealed record WebhookView
{
    public int Id { get; init; }

    public int CompanyId { get; init; }

    public required string CompanyName { get; init; }

    public required string Name { get; init; }

    public required string PayloadUrl { get; init; }

    public WebhookAuthMethod AuthMethod { get; init; }

    public string? OAuthTokenUrl { get; init; }

    public string? OAuthClientId { get; init; }

    public bool OAuthClientSecretSet { get; init; }

    public string? OAuthScope { get; init; }

    public string? BasicUserName { get; init; }

    public bool BasicPasswordSet { get; init; }

    public string? ApiKeyHeaderName { get; init; }

    public bool ApiKeyValueSet { get; init; }

    public bool SigningSecretSet { get; init; }

    public int? IntegrationId { get; init; }

    public string? IntegrationName { get; init; }

    /// <summary>True when the webhook's integration is the company's designated webhook integration now.</summary>
    public bool IntegrationIsDesignated { get; init; }

    public bool RemoveFromQueueOnSuccess { get; init; }

    public bool DisableAutomaticRetry { get; init; }

    public EventSelection EventSelection { get; init; }

    public IReadOnlyList<string> EventTypes { get; init; } = [];

    public bool Enabled { get; init; }

    public FirewallStatus FirewallStatus { get; init; }

    public bool HasSentMessages { get; init; }

    public bool CanDelete => !HasSentMessages;

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public string EventSummary => EventSelection == EventSelection.All
        ? "All events"
        : string.Join(", ", EventTypes);
}

/// <summary>The result of a save; <see cref="NewSigningSecret"/> is the only time a secret is returned.</summary>
public sealed record WebhookSaveResult(WebhookView Webhook, string? NewSigningSecret);

/// <summary>What the form needs to know about a company before showing the webhook form.</summary>
public sealed record WebhookFormOptions(
    int CompanyId,
    string CompanyName,
    bool CanCreateWebhooks,
    IntegrationChoice? DesignatedIntegration,
    IReadOnlyList<EventType> EventTypes,
    bool AllowHttp);

public sealed record IntegrationChoice(int Id, string Name);

/// <summary>Settings under <c>Portal:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Portal:Webhooks";

    /// <summary>Allows http payload and token URLs; meant for Development and tests only.</summary>
    public bool AllowHttp { get; set; }
}
