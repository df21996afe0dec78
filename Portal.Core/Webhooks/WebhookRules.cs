using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Events;

namespace Jakamo.Portal.Core.Webhooks;

/// <summary>The webhook form's rules, shared by the service, the API and the UI.</summary>
public static class WebhookRules
{
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 2000;
    public const int SecretMaxLength = 4000;

    /// <summary>Headers an API-key header must not replace, since delivery sets them itself.</summary>
    private static readonly string[] ReservedHeaders =
    [
        "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "User-Agent",
        "X-Acknowledge-Uri", "webhook-id", "webhook-timestamp", "webhook-signature",
    ];

    public static void ValidateName(string? name, ValidationErrors errors, string field = nameof(WebhookInput.Name))
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(field, "Webhook name is required.");
        }
        else if (name.Trim().Length > NameMaxLength)
        {
            errors.Add(field, $"Webhook name can be at most {NameMaxLength} characters.");
        }
        else
        {
            TextRules.RejectHiddenCharacters(name, errors, field, "Webhook name");
        }
    }

    /// <summary>Checks an outbound URL: required, absolute, https (http only when allowed), no user info.</summary>
    public static void ValidateUrl(string? value, bool allowHttp, ValidationErrors errors, string field, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{label} is required.");
            return;
        }

        if (value.Length > UrlMaxLength)
        {
            errors.Add(field, $"{label} can be at most {UrlMaxLength} characters.");
            return;
        }

        // Uri would quietly accept a line break or a space, which then ends up in the request line it is sent with.
        if (value.Trim().Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add(field, $"{label} can't contain spaces or line breaks; encode a space as %20.");
            return;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(field, $"{label} must be an absolute URL, such as https://erp.example.com/jakamo.");
            return;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            errors.Add(field, $"{label} must use https.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add(field, $"{label} can't contain a user name or password; use the Authentication settings instead.");
        }

        if (SpecialUseNames.WhyUnreachable(uri.Host) is { } reason)
        {
            errors.Add(field, $"{label} can never be reached: {reason}.");
        }
    }

    public static void ValidateEvents(EventSelection selection, IReadOnlyCollection<string>? eventTypes, ValidationErrors errors)
    {
        if (selection == EventSelection.All)
        {
            return;
        }

        if (eventTypes is null || eventTypes.Count == 0)
        {
            errors.Add(nameof(WebhookInput.EventTypes), "Choose at least one event, or choose \"All events\".");
            return;
        }

        var unknown = eventTypes.Where(e => !EventTypeCatalog.IsKnown(e)).ToList();
        if (unknown.Count > 0)
        {
            var names = unknown.Take(5).Select(e => string.IsNullOrWhiteSpace(e) ? "(empty)" : e);
            errors.Add(nameof(WebhookInput.EventTypes), $"Unknown event type: {string.Join(", ", names)}. Known types: {string.Join(", ", EventTypeCatalog.All.Select(t => t.Name))}.");
        }
    }

    public static void ValidateHeaderName(string? headerName, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(headerName))
        {
            errors.Add(nameof(WebhookInput.ApiKeyHeaderName), "Header name is required.");
        }
        else if (headerName.Length > 100 || !headerName.All(IsTokenChar))
        {
            errors.Add(nameof(WebhookInput.ApiKeyHeaderName), "Header name can contain only letters, digits and - _ . characters, at most 100.");
        }
        else if (ReservedHeaders.Contains(headerName, StringComparer.OrdinalIgnoreCase)
            || headerName.StartsWith("X-Jakamo-", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(nameof(WebhookInput.ApiKeyHeaderName), $"'{headerName}' is set by Jakamo itself; choose another header name.");
        }
    }

    /// <summary>The integrations a webhook may be tied to: the designated one, and its current tie while it keeps it.</summary>
    public static IReadOnlyList<int> AllowedIntegrationIds(int? designatedIntegrationId, int? savedIntegrationId)
    {
        var allowed = new List<int>(2);
        if (designatedIntegrationId is { } designated)
        {
            allowed.Add(designated);
        }

        if (savedIntegrationId is { } saved && saved != designatedIntegrationId)
        {
            allowed.Add(saved);
        }

        return allowed;
    }

    /// <summary>The Integration field is shown when there is a designated integration, or an old tie to show.</summary>
    public static bool ShowIntegrationField(int? designatedIntegrationId, int? savedIntegrationId) =>
        designatedIntegrationId is not null || savedIntegrationId is not null;

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
