using System.Net;
using System.Text.Json;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>The published OpenAPI document describes the management API.</summary>
public sealed class OpenApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task OpenApiDocument_DescribesTheWebhooksApi()
    {
        using var client = _app.NewClient();

        using var response = await client.SendAsync(HttpMethod.Get, "openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Jakamo Portal management API", root.GetProperty("info").GetProperty("title").GetString());
        var paths = root.GetProperty("paths");
        var webhooks = paths.GetProperty("/api/webhooks");
        Assert.True(webhooks.TryGetProperty("get", out _));
        Assert.True(webhooks.TryGetProperty("post", out _));
        var webhook = paths.GetProperty("/api/webhooks/{id}");
        Assert.True(webhook.TryGetProperty("get", out _));
        Assert.True(webhook.TryGetProperty("put", out _));
        Assert.True(webhook.TryGetProperty("delete", out _));
        Assert.True(webhook.GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task OpenApiDocument_LeavesOutTheSignOutEndpoint()
    {
        using var client = _app.NewClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative)));

        Assert.False(document.RootElement.GetProperty("paths").TryGetProperty("/account/logout", out _));
    }
}
