using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>An unknown address: a page for a browser, problem details for an API caller, and no page for anything else.</summary>
public sealed class NotFoundPageTests : IDisposable
{
    private readonly PortalAppFactory _app = new();

    [Theory]
    [InlineData(null)]
    [InlineData(PortalAppFactory.SupportToken)]
    public async Task UnknownPageAddress_GetsTheNotFoundPage_WithStatus404(string? token)
    {
        using var client = _app.NewClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "no-such-page/42");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"not-found\"", html, StringComparison.Ordinal);
        Assert.Contains("There is nothing at this address.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/html")]
    public async Task UnknownApiAddress_GetsNoPage(string? accept)
    {
        using var client = _app.NewClient(PortalAppFactory.SupportToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/no-such-thing");
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("not-found", body, StringComparison.Ordinal);
        if (accept is null)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("/openapi/v1.json", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MissingFile_ForAnythingButAPage_StaysAnEmpty404()
    {
        using var client = _app.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "img/missing.png");
        request.Headers.Accept.ParseAdd("image/avif,image/webp,*/*");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OtherEmptyErrors_KeepTheirStatus_WithoutTheNotFoundPage()
    {
        using var client = _app.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "hangfire");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {response.StatusCode}");
        Assert.DoesNotContain("not-found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();
}
