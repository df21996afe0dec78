using System.Net;
using System.Text.Json;
using Jakamo.Portal.Tests.Api;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>The real portal with Hangfire, an events API key, http and loopback allowed, and a real receiver.</summary>
public sealed class DeliveryAppFixture : IAsyncLifetime
{
    public const string PlatformKey = "test-platform-key-7d1c";

    public PortalAppFactory App { get; } = new(settings: new()
    {
        ["Portal:Events:ApiKeys:0"] = PlatformKey,
        ["Portal:Webhooks:AllowHttp"] = "true",
        ["Portal:Delivery:AllowLoopback"] = "true",
    });

    public TestReceiver Receiver { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Receiver = await TestReceiver.StartAsync();
        using var support = App.NewClient(PortalAppFactory.SupportToken);
        using var response = await support.PostAsync(new Uri("api/firewall-openings", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { host = "127.0.0.1", note = "test receiver" }));
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        App.Dispose();
    }

    /// <summary>A client for the events API.</summary>
    public HttpClient PlatformClient()
    {
        var client = App.NewClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PlatformKey);
        return client;
    }

    /// <summary>Posts one <c>so.created</c> event for <paramref name="integrationId"/> and returns the 202 answer
    /// (<c>eventId</c>, <c>deliveries</c>, <c>queueMessageId</c>).</summary>
    public async Task<JsonElement> PublishAsync(int integrationId, string payload, string? reference = null, bool queue = false)
    {
        using var platform = PlatformClient();
        return await platform.SendJsonAsync(HttpMethod.Post, "api/events",
            new { type = "so.created", integrationId, contentType = "application/xml", payload, reference, queue }, HttpStatusCode.Accepted);
    }
}
