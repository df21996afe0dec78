using System.Net;
using System.Net.Http.Json;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

public sealed class ApiSmokeTests : IDisposable
{
    private readonly PortalAppFactory _app = new();

    [Fact]
    public async Task EventTypes_AreListed_ForTheBootstrapSupportToken()
    {
        using var client = _app.NewClient(PortalAppFactory.SupportToken);
        var types = await client.GetFromJsonAsync<List<Dictionary<string, object>>>("api/event-types");
        Assert.Equal(7, types!.Count);
    }

    [Fact]
    public async Task Api_AnswersUnauthorized_WithoutAToken()
    {
        using var client = _app.NewClient();
        var response = await client.GetAsync(new Uri("api/webhooks", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
