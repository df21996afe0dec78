using Microsoft.AspNetCore.Http.Features;

namespace Jakamo.Portal.Api;

/// <summary>
/// Management and queue API bodies are small JSON documents, so anything over 1 MiB is refused with 413 instead of being
/// read up to Kestrel's 30 MB default. The events API raises the limit for itself, to fit its payloads.
/// </summary>
internal static class ApiBodyLimit
{
    public const long MaxBytes = 1024 * 1024;

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api")
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBytes;
        }

        await next(context);
    });
}
