using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jakamo.Portal.Tests.Api;

/// <summary>
/// Tenant isolation over every endpoint the running app maps (pages, APIs, the hub, the job dashboard, health, the API
/// reference): anonymous callers are refused or sent to sign in, and company A's admin, by cookie or token, gets 404 or
/// 403 for company B's ids, sees none of B's data, and leaves it unchanged. The cases are in <see cref="EndpointCases"/>.
/// </summary>
public sealed class EndpointIsolationTests(TwoCompaniesFixture fixture, ITestOutputHelper output) : IClassFixture<TwoCompaniesFixture>
{
    public static TheoryData<string> Endpoints => [.. EndpointCases.All.Select(c => c.Endpoint)];

    [Fact]
    public void EveryMappedEndpoint_AndEveryHubMethod_HasAnIsolationCase()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var mapped = endpoints.Where(e => !ServesStaticFiles(e)).Select(Key).Distinct().ToList();
        var cased = EndpointCases.All.Select(c => c.Endpoint).ToList();

        Assert.Equal(cased.Count, cased.Distinct().Count());
        var missing = mapped.Except(cased).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"No isolation case for: {string.Join("; ", missing)}. Add one to {nameof(EndpointCases)}.{nameof(EndpointCases.All)}.");
        var stale = cased.Except(mapped).ToList();
        Assert.True(stale.Count == 0, $"These cases name no mapped endpoint (renamed or removed?): {string.Join("; ", stale)}.");

        var hubMethods = typeof(TransportLogHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(TransportLogHub))
            .Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(hubMethods, EndpointCases.HubCalls.Keys.Order(StringComparer.Ordinal));

        output.WriteLine($"ISOLATION endpoints={mapped.Count} static_files_excluded={endpoints.Count(ServesStaticFiles)} cases={cased.Count} " +
            $"public={EndpointCases.All.Count(c => c.PublicBecause is not null)} probes={EndpointCases.All.Sum(c => c.Probes.Count)} hub_methods={hubMethods.Count}");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_RefusesStrangers_AndKeepsCompanyBOutOfCompanyAsReach(string endpoint)
    {
        var endpointCase = EndpointCases.All.Single(c => c.Endpoint == endpoint);
        var before = await fixture.SnapshotOfBAsync();

        using (var anonymous = fixture.App.NewClient())
        {
            foreach (var probe in endpointCase.Probes)
            {
                await AssertAnswerAsync(anonymous, Callers.None, probe, endpointCase.Anonymous);
            }
        }

        foreach (var caller in new[] { Callers.Cookie, Callers.Token, Callers.QueueCredentials }.Where(c => endpointCase.AsA.HasFlag(c)))
        {
            using var ownClient = caller switch
            {
                Callers.Token => fixture.App.NewClient(fixture.A.Tenant.AdminToken),
                Callers.QueueCredentials => fixture.NewQueueClient(fixture.A),
                _ => null,
            };
            foreach (var probe in endpointCase.Probes)
            {
                var asA = probe.AsA ?? throw new InvalidOperationException($"{endpoint}: say what A gets from {probe.Method}.");
                await AssertAnswerAsync(ownClient ?? fixture.ACookie.Client, caller, probe, asA);
            }
        }

        Assert.Equal(before, await fixture.SnapshotOfBAsync());
        if (endpointCase.Also is { } also)
        {
            await also(fixture);
        }
    }

    /// <summary>
    /// Static files are left out: what <c>MapStaticAssets</c> serves from wwwroot, <c>_framework</c> and <c>_content</c>
    /// (it marks each with a <see cref="StaticAssetDescriptor"/>), and its development fallback: a fallback (last in order)
    /// catch-all route that matches file names only.
    /// </summary>
    private static bool ServesStaticFiles(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null
        || (endpoint.Order == int.MaxValue
            && endpoint.RoutePattern.Parameters is [{ IsCatchAll: true } parameter]
            && parameter.ParameterPolicies.Any(p => p.Content == "file"));

    /// <summary>"GET,POST /webhooks/{Id:int}/edit": the methods as mapped (<c>*</c>: any) and the route pattern.</summary>
    private static string Key(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        var verbs = methods.Count == 0 ? "*" : string.Join(",", methods.Order(StringComparer.Ordinal));
        return $"{verbs} /{endpoint.RoutePattern.RawText!.Trim('/')}";
    }

    private async Task AssertAnswerAsync(HttpClient client, Callers caller, Probe probe, Answer expected)
    {
        var path = probe.Path(fixture);
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), new Uri(path, UriKind.Relative))
        {
            Content = probe.Body?.Invoke(fixture) switch
            {
                null => null,
                HttpContent content => content,
                var json => JsonContent.Create(json),
            },
        };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var who = caller == Callers.None ? "anonymous" : $"A ({caller})";
        var what = $"{probe.Method} /{path} as {who} answered {status} {response.Headers.Location}, expected {expected}: {body[..Math.Min(body.Length, 400)]}";
        var isApi = path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("hubs/", StringComparison.Ordinal);

        switch (expected)
        {
            case Answer.SignIn:
                Assert.True(response.StatusCode == HttpStatusCode.Redirect && RedirectPath(response) == "/account/login", what);
                Assert.Equal($"/{path}", QueryHelpers.ParseQuery(new Uri(fixture.App.BaseAddress, response.Headers.Location!).Query)["ReturnUrl"].ToString());
                break;
            case Answer.Unauthorized:
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, what);
                AssertProblemWhenApi(response, isApi, what);
                break;
            case Answer.Forbidden:
                var sentToAccessDenied = caller == Callers.Cookie && !isApi && RedirectPath(response) == "/account/access-denied";
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden || sentToAccessDenied, what);
                AssertProblemWhenApi(response, isApi, what);
                break;
            case Answer.NotFound:
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, what);
                AssertProblemWhenApi(response, isApi, what);
                if (!isApi)
                {
                    Assert.Contains("There is nothing at this address", body, StringComparison.Ordinal);
                }

                break;
            case Answer.BadRequest:
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, what);
                break;
            case Answer.OwnDataOnly or Answer.Served:
                Assert.True(response.IsSuccessStatusCode, what);
                break;
        }

        if (probe.Shows?.Invoke(fixture) is { } own && caller != Callers.None)
        {
            Assert.True(body.Contains(own, StringComparison.Ordinal), $"{what}\nIt should show A's own '{own}'.");
        }

        foreach (var marker in fixture.B.Markers)
        {
            Assert.False(body.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{what}\nIt shows company B's '{marker}'.");
        }

        Assert.DoesNotContain(fixture.B.CompanyId, CompanyIdsIn(response, body));
    }

    private string? RedirectPath(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(fixture.App.BaseAddress, location).AbsolutePath : null;

    private static void AssertProblemWhenApi(HttpResponseMessage response, bool isApi, string what)
    {
        if (isApi)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
        }
    }

    /// <summary>Every <c>companyId</c> value in a JSON answer.</summary>
    private static IEnumerable<int> CompanyIdsIn(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) != true || body.Length == 0)
        {
            return [];
        }

        var ids = new List<int>();
        Collect(JsonDocument.Parse(body).RootElement);
        return ids;

        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("companyId") && property.Value.ValueKind == JsonValueKind.Number)
                    {
                        ids.Add(property.Value.GetInt32());
                    }

                    Collect(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item);
                }
            }
        }
    }
}

/// <summary>The hub's side of isolation, which plain requests can't show: calls on a live connection, and the attempts it receives.</summary>
public static class TransportLogHubIsolation
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A's connections, by token and by cookie: every hub method called with B's ids is refused, and B's attempts never
    /// arrive while A's do.
    /// </summary>
    public static async Task AssertKeepsCompanyBOutAsync(TwoCompaniesFixture f)
    {
        await using var ofB = await TransportLogClient.ConnectAsync(f.App, f.B.Tenant.AdminToken);
        await using var byToken = await TransportLogClient.ConnectAsync(f.App, f.A.Tenant.AdminToken);
        await using var byCookie = await TransportLogClient.ConnectAsync(f.App, cookies: f.ACookie.Cookies);
        foreach (var connection in new[] { byToken, byCookie })
        {
            foreach (var (method, arguments) in EndpointCases.HubCalls)
            {
                await Assert.ThrowsAsync<HubException>(() => connection.Connection.InvokeCoreAsync(method, arguments(f)));
            }
        }

        // One connection gets its messages in the order they were published: B's attempt, had it been sent to A, would
        // have arrived before A's.
        var (eventOfB, _) = await f.PublishAndDeliverAsync(f.B.Tenant, $"live-{f.B.Tag}");
        await Poll.UntilAsync(() => Task.FromResult(ofB.HasEvent(eventOfB)), Wait, "B's own connection receives B's attempt");
        var (eventOfA, _) = await f.PublishAndDeliverAsync(f.A.Tenant, $"live-{f.A.Tag}");
        await Poll.UntilAsync(() => Task.FromResult(byToken.HasEvent(eventOfA) && byCookie.HasEvent(eventOfA)), Wait, "A's connections receive A's attempt");
        Assert.Equal([f.A.CompanyId], byToken.CompanyIds());
        Assert.Equal([f.A.CompanyId], byCookie.CompanyIds());
    }
}
