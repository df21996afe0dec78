using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>The API queue contract of SPEC "Interfaces a program uses", for the integration client.</summary>
public sealed class QueueApiTests(DeliveryAppFixture fixture) : IClassFixture<DeliveryAppFixture>
{
    private const string Password = "queue-password-for-tests";

    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task Queue_ReturnsTheSameOldestMessage_UntilItIsAcknowledged_ThenTheNext_ThenNoContent()
    {
        var (tenant, user) = await TenantWithQueueCredentialsAsync();
        var first = await PublishAsync(tenant.IntegrationId, "<Order><ID>1</ID></Order>");
        var second = await PublishAsync(tenant.IntegrationId, "<Order><ID>2</ID></Order>");
        using var client = QueueClient(user, Password);

        using var read = await client.GetAsync(new Uri("api/queue", UriKind.Relative));
        using var again = await client.GetAsync(new Uri("api/queue", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("<Order><ID>1</ID></Order>", await read.Content.ReadAsStringAsync());
        Assert.Equal("application/xml", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal("so.created", read.Headers.GetValues("X-Jakamo-Event").Single());
        var messageId = read.Headers.GetValues("X-Message-Id").Single();
        var ackUri = new Uri(read.Headers.GetValues("X-Acknowledge-Uri").Single());
        Assert.Equal($"/api/queue/{messageId}/ack", ackUri.AbsolutePath);
        Assert.Equal(messageId, again.Headers.GetValues("X-Message-Id").Single());

        using var ack = await client.PostAsync(ackUri, content: null);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("<Info>Message cleared from the queue</Info>", await ack.Content.ReadAsStringAsync());

        using var next = await client.GetAsync(new Uri("api/queue", UriKind.Relative));
        Assert.Equal("<Order><ID>2</ID></Order>", await next.Content.ReadAsStringAsync());
        using var ack2 = await client.PostAsync(new Uri(next.Headers.GetValues("X-Acknowledge-Uri").Single()), content: null);
        Assert.Equal(HttpStatusCode.OK, ack2.StatusCode);

        using var empty = await client.GetAsync(new Uri("api/queue", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task AnotherIntegrationsMessage_AnswersNotFound_AndStaysQueued()
    {
        var (mine, myUser) = await TenantWithQueueCredentialsAsync();
        var (theirs, theirUser) = await TenantWithQueueCredentialsAsync();
        await PublishAsync(theirs.IntegrationId, "<Order><ID>theirs</ID></Order>");
        using var their = QueueClient(theirUser, Password);
        using var peek = await their.GetAsync(new Uri("api/queue", UriKind.Relative));
        var theirMessage = peek.Headers.GetValues("X-Message-Id").Single();
        using var me = QueueClient(myUser, Password);

        using var ack = await me.PostAsync(new Uri($"api/queue/{theirMessage}/ack", UriKind.Relative), content: null);

        await ack.AssertProblemAsync(HttpStatusCode.NotFound);
        using var still = await their.GetAsync(new Uri("api/queue", UriKind.Relative));
        Assert.Equal(theirMessage, still.Headers.GetValues("X-Message-Id").Single());
        using var mineIsEmpty = await me.GetAsync(new Uri("api/queue", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, mineIsEmpty.StatusCode);
        Assert.NotEqual(mine.IntegrationId, theirs.IntegrationId);
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData("")]
    public async Task WrongPassword_AnswersUnauthorized_WithABasicChallenge(string password)
    {
        var (_, user) = await TenantWithQueueCredentialsAsync();
        using var client = QueueClient(user, password);

        using var response = await client.GetAsync(new Uri("api/queue", UriKind.Relative));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalTokens_DoNotOpenTheQueue()
    {
        using var support = _app.NewClient(PortalAppFactory.SupportToken);

        using var response = await support.GetAsync(new Uri("api/queue", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<(ApiTenant Tenant, string User)> TenantWithQueueCredentialsAsync()
    {
        var tenant = await _app.NewTenantAsync();
        var user = $"erp-{tenant.CompanyId}";
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/credentials", new { userName = user, password = Password }, HttpStatusCode.OK);
        return (tenant, user);
    }

    private async Task<long> PublishAsync(int integrationId, string payload) =>
        (await fixture.PublishAsync(integrationId, payload, queue: true)).GetProperty("queueMessageId").GetInt64();

    private HttpClient QueueClient(string user, string password) => _app.NewQueueClient(user, password);
}
