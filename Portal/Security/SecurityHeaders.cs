using System.Security.Cryptography;

namespace Jakamo.Portal.Security;

/// <summary>
/// Security headers on every response: pages, APIs, static files, the hub and the Hangfire dashboard. Set when the
/// response starts, so an answer written by the exception handler (which clears headers) carries them too.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The policy of the portal's own pages. Blazor Server and MudBlazor need no inline script except the import map,
    /// which carries the per-request nonce; MudBlazor sets inline styles; the circuit's WebSocket is same-origin.
    /// </summary>
    public const string StrictPolicy =
        "default-src 'self'; script-src 'self' 'nonce-{0}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The policy of the two third-party UIs: Scalar (/scalar) boots from an inline script we can't give a nonce to,
    /// and the support-only Hangfire dashboard (/hangfire) is not ours to vet page by page. Everything else stays as
    /// strict as on the portal's pages.
    /// </summary>
    public const string ThirdPartyPagePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

    private static readonly object NonceKey = new();

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // Hex, not base64: "+" and "/" would come out HTML-encoded in the attribute.
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                var path = context.Request.Path;
                headers.ContentSecurityPolicy = path.StartsWithSegments("/scalar") || path.StartsWithSegments("/hangfire")
                    ? ThirdPartyPagePolicy
                    : string.Format(System.Globalization.CultureInfo.InvariantCulture, StrictPolicy, nonce);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            await next();
        });

    /// <summary>The nonce this request's Content-Security-Policy allows inline scripts with (the import map).</summary>
    public static string? Nonce(HttpContext context) => context.Items[NonceKey] as string;
}
