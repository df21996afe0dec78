using Jakamo.Portal.Core.Webhooks;

namespace Jakamo.Portal.Features.Webhooks;

internal static class WebhookLabels
{
    public static string Auth(WebhookAuthMethod method) => method switch
    {
        WebhookAuthMethod.OAuth2ClientCredentials => "OAuth2",
        WebhookAuthMethod.Basic => "Basic",
        WebhookAuthMethod.ApiKeyHeader => "API-key header",
        _ => "None",
    };
}
