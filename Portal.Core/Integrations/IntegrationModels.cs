namespace Jakamo.Portal.Core.Integrations;

public sealed record CompanyMappingView(int Id, string ExternalCode, int JakamoCompanyId, string JakamoCompanyName);

public sealed record UserMappingView(int Id, string ExternalUserId, string JakamoUserName);

/// <summary>An integration as shown to users; the queue password is never shown, only whether one is set.</summary>
public sealed record IntegrationView(
    int Id,
    int CompanyId,
    string CompanyName,
    IntegrationKind Kind,
    string Name,
    string? QueueUserName,
    bool HasCredentials,
    bool IsWebhookIntegration,
    IReadOnlyList<CompanyMappingView> CompanyMappings,
    IReadOnlyList<UserMappingView> UserMappings);

public sealed class CreateIntegrationInput
{
    public int CompanyId { get; set; }

    public IntegrationKind Kind { get; set; }

    public string? Name { get; set; }
}

public sealed class IntegrationCredentialsInput
{
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

public sealed class WebhookIntegrationInput
{
    /// <summary>True designates the integration as its company's webhook integration; false clears it.</summary>
    public bool Designated { get; set; }
}

public sealed class CompanyMappingInput
{
    public string? ExternalCode { get; set; }

    public int JakamoCompanyId { get; set; }
}

public sealed class UserMappingInput
{
    public string? ExternalUserId { get; set; }

    public string? JakamoUserName { get; set; }
}
