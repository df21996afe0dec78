using System.Text.Json.Nodes;
using Jakamo.Portal.Realtime;

namespace Jakamo.Portal.Tests.Api;

/// <summary>What a caller gets from an endpoint.</summary>
public enum Answer
{
    /// <summary>302 to the sign-in page, with the way back in <c>ReturnUrl</c>.</summary>
    SignIn,

    /// <summary>401, with problem details under /api and /hubs.</summary>
    Unauthorized,

    /// <summary>403; a browser (cookie) outside /api and /hubs may instead be sent to the access-denied page.</summary>
    Forbidden,

    /// <summary>404, as for an id that does not exist: problem details from the API, the not-found page from pages.</summary>
    NotFound,

    BadRequest,

    /// <summary>2xx, showing the caller's own data and none of another company's.</summary>
    OwnDataOnly,

    /// <summary>2xx from a public endpoint, which holds no company data.</summary>
    Served,
}

/// <summary>The ways company A's admin can call: the browser's cookie, a personal API token, or (the queue only) the
/// integration's Basic credentials.</summary>
[Flags]
public enum Callers
{
    None = 0,
    Cookie = 1,
    Token = 2,
    QueueCredentials = 4,
}

/// <summary>One request of a case, filled in with the fixture's ids: what A gets (<c>null</c>: sent anonymously only),
/// and, for <see cref="Answer.OwnDataOnly"/>, a text of A's own the answer must show.</summary>
public sealed record Probe(
    string Method,
    Func<TwoCompaniesFixture, string> Path,
    Answer? AsA = null,
    Func<TwoCompaniesFixture, object>? Body = null,
    Func<TwoCompaniesFixture, string>? Shows = null);

/// <summary>An endpoint as the app maps it (<c>"METHODS /route-pattern"</c>, <c>*</c> for any method), what an anonymous
/// caller gets, which of A's ways in are tried, and why a public endpoint is public. <c>Also</c> checks what plain
/// requests can't; it runs after B's data has been compared, since it may add to it itself.</summary>
public sealed record EndpointCase(
    string Endpoint,
    Answer Anonymous,
    Callers AsA,
    IReadOnlyList<Probe> Probes,
    string? PublicBecause = null,
    Func<TwoCompaniesFixture, Task>? Also = null);

/// <summary>
/// The isolation case of every endpoint the app maps. <see cref="EndpointIsolationTests"/> fails when a mapped endpoint
/// has none, so a new endpoint can't ship without saying who may call it and what another company's ids get there.
/// Ids in filters (<c>?companyId=</c>, <c>?webhook=</c>) narrow the caller's own data, so B's ids there give A's data or
/// nothing, never B's; ids in the route give 404 (or 403 on support routes). Pages are probed with GET: authorization is
/// per endpoint, so a page's POST (a Blazor form post) passes the same gate.
/// </summary>
public static class EndpointCases
{
    private const Answer SignIn = Answer.SignIn;
    private const Answer Unauthorized = Answer.Unauthorized;
    private const Answer Forbidden = Answer.Forbidden;
    private const Answer NotFound = Answer.NotFound;
    private const Answer OwnDataOnly = Answer.OwnDataOnly;
    private const Answer Served = Answer.Served;

    private const string BlazorCircuit =
        "Blazor's circuit: it renders pages only through the router, whose AuthorizeRouteView applies each page's [Authorize] again, and the pages use the same company-checked services";

    private const string ApiReference = "the API reference UI; it describes the API and holds no company data";

    public static IReadOnlyList<EndpointCase> All { get; } =
    [
        // Pages: a browser with A's cookie.
        Page("GET,POST /", Get("", OwnDataOnly, f => f.A.Tenant.AdminEmail)),
        Page("GET,POST /account/change-password", Get("account/change-password", OwnDataOnly)),
        // The deliveries and transport-log grids load once the circuit is live, through the services GET /api/deliveries uses.
        Page("GET,POST /deliveries", Get("deliveries", OwnDataOnly)),
        Page("GET,POST /integrations", Get(f => $"integrations?company={f.B.CompanyId}", OwnDataOnly, f => f.A.IntegrationName)),
        Page("GET,POST /profile", Get("profile", OwnDataOnly, f => f.A.TokenName)),
        Page("GET,POST /queue", Get("queue", OwnDataOnly, f => f.A.IntegrationName)),
        Page("GET,POST /transport-log", Get(f => $"transport-log?webhook={f.B.WebhookId}", OwnDataOnly)),
        Page("GET,POST /webhooks", Get(f => $"webhooks?company={f.B.CompanyId}", OwnDataOnly, f => f.A.WebhookName)),
        Page("GET,POST /webhooks/new", Get(f => $"webhooks/new?company={f.B.CompanyId}", OwnDataOnly, f => f.A.Tenant.CompanyName)),
        Page("GET,POST /webhooks/{Id:int}/edit", Get(f => $"webhooks/{f.B.WebhookId}/edit", NotFound)),
        Page("GET,POST /support/companies", Get("support/companies", Forbidden)),
        Page("GET,POST /support/dashboard", Get("support/dashboard", Forbidden)),
        Page("GET,POST /support/demo", Get("support/demo", Forbidden)),
        Page("GET,POST /support/firewall", Get("support/firewall", Forbidden)),
        Public("GET,POST /account/login", "the sign-in form", Get("account/login")),
        Public("GET,POST /account/access-denied", "tells a signed-in user a page is not theirs; it shows no data", Get("account/access-denied")),
        Public("GET,POST /not-found", "the not-found page; it shows no data", Get("not-found")),
        Public("POST /account/logout", "ends the caller's own session only; without the antiforgery token of a page's form it is refused",
            new Probe("POST", _ => "account/logout", Body: _ => new FormUrlEncodedContent([])), anonymous: Answer.BadRequest),

        // The management API: A's personal token, and A's cookie, which the API accepts too.
        Api("GET /api/companies", Get("api/companies", OwnDataOnly, f => f.A.Tenant.CompanyName)),
        Api("POST /api/companies", Send("POST", _ => "api/companies", Forbidden, _ => new { name = "A's second company" })),
        Api("POST /api/companies/{id:int}/admins", Send("POST", f => $"api/companies/{f.B.CompanyId}/admins", Forbidden, _ => new { email = "planted-admin@example.com" })),
        Api("GET /api/webhooks", Get(f => $"api/webhooks?companyId={f.B.CompanyId}", OwnDataOnly, f => f.A.WebhookName)),
        Api("POST /api/webhooks",
            Send("POST", _ => "api/webhooks", OwnDataOnly, f => WebhookNaming(f, "companyId", f.B.CompanyId), f => $"\"companyId\":{f.A.CompanyId}"),
            Send("POST", _ => "api/webhooks", Answer.BadRequest, f => WebhookNaming(f, "integrationId", f.B.Tenant.IntegrationId))),
        Api("GET /api/webhooks/{id:int}", Get(f => $"api/webhooks/{f.B.WebhookId}", NotFound)),
        Api("PUT /api/webhooks/{id:int}", Send("PUT", f => $"api/webhooks/{f.B.WebhookId}", NotFound, f => WebhookNaming(f, "name", "Hijacked"))),
        Api("DELETE /api/webhooks/{id:int}", Send("DELETE", f => $"api/webhooks/{f.B.WebhookId}", NotFound)),
        Api("GET /api/event-types", Get("api/event-types", OwnDataOnly, _ => "so.created")),
        Api("GET /api/integrations", Get(f => $"api/integrations?companyId={f.B.CompanyId}", OwnDataOnly, f => f.A.IntegrationName)),
        Api("POST /api/integrations", Send("POST", _ => "api/integrations", Forbidden, f => new { companyId = f.B.CompanyId, kind = "SalesOrder", name = "Planted" })),
        Api("GET /api/integrations/{id:int}", Get(f => $"api/integrations/{f.B.Tenant.IntegrationId}", NotFound)),
        Api("PUT /api/integrations/{id:int}/credentials",
            Send("PUT", f => $"api/integrations/{f.B.Tenant.IntegrationId}/credentials", Forbidden, _ => new { userName = "planted", password = "long-enough-password" })),
        Api("PUT /api/integrations/{id:int}/webhook-integration",
            Send("PUT", f => $"api/integrations/{f.B.Tenant.IntegrationId}/webhook-integration", Forbidden, _ => new { designated = true })),
        Api("POST /api/integrations/{id:int}/company-mappings",
            Send("POST", f => $"api/integrations/{f.B.Tenant.IntegrationId}/company-mappings", NotFound, f => new { externalCode = "PLANTED", jakamoCompanyId = f.A.CompanyId })),
        Api("DELETE /api/integrations/{id:int}/company-mappings/{mappingId:int}",
            Send("DELETE", f => $"api/integrations/{f.B.Tenant.IntegrationId}/company-mappings/{f.B.CompanyMappingId}", NotFound),
            Send("DELETE", f => $"api/integrations/{f.A.Tenant.IntegrationId}/company-mappings/{f.B.CompanyMappingId}", NotFound)),
        Api("POST /api/integrations/{id:int}/user-mappings",
            Send("POST", f => $"api/integrations/{f.B.Tenant.IntegrationId}/user-mappings", NotFound, f => new { externalUserId = "planted", jakamoUserName = f.A.Tenant.AdminEmail })),
        Api("DELETE /api/integrations/{id:int}/user-mappings/{mappingId:int}",
            Send("DELETE", f => $"api/integrations/{f.B.Tenant.IntegrationId}/user-mappings/{f.B.UserMappingId}", NotFound),
            Send("DELETE", f => $"api/integrations/{f.A.Tenant.IntegrationId}/user-mappings/{f.B.UserMappingId}", NotFound)),
        Api("GET /api/firewall-openings", Get("api/firewall-openings", Forbidden)),
        Api("POST /api/firewall-openings", Send("POST", _ => "api/firewall-openings", Forbidden, _ => new { host = "planted.example.com" })),
        Api("DELETE /api/firewall-openings/{id:int}", Send("DELETE", f => $"api/firewall-openings/{f.FirewallOpeningId}", Forbidden)),
        Api("GET /api/tokens", Get("api/tokens", OwnDataOnly, f => f.A.TokenName)),
        Api("POST /api/tokens", Send("POST", _ => "api/tokens", OwnDataOnly, _ => new { name = "probe" }, _ => "jkp_")),
        Api("DELETE /api/tokens/{id:int}", Send("DELETE", f => $"api/tokens/{f.B.Tenant.AdminTokenId}", NotFound)),
        Api("GET /api/deliveries",
            Get("api/deliveries", OwnDataOnly, f => $"SO-{f.A.Tag}"),
            Get(f => $"api/deliveries?companyId={f.B.CompanyId}", OwnDataOnly),
            Get(f => $"api/deliveries?webhookId={f.B.WebhookId}", OwnDataOnly),
            Get(f => $"api/deliveries?search={f.B.EventId}", OwnDataOnly),
            Get(f => $"api/deliveries?search=SO-{f.B.Tag}", OwnDataOnly)),
        Api("GET /api/deliveries/{id:long}", Get(f => $"api/deliveries/{f.B.DeliveryId}", NotFound)),
        Api("POST /api/deliveries/{id:long}/resend", Send("POST", f => $"api/deliveries/{f.B.DeliveryId}/resend", NotFound)),
        Api("POST /api/deliveries/resend", Send("POST", _ => "api/deliveries/resend", Forbidden, f => new { companyId = f.B.CompanyId, status = "Succeeded" })),

        // The events API takes the platform's key, not a company's sign-in: A's token and cookie open it no more than nothing does.
        Api("POST /api/events", Send("POST", _ => "api/events", Unauthorized, EventFor)),
        Api("POST /api/events/batch", Send("POST", _ => "api/events/batch", Unauthorized, f => new { events = new[] { EventFor(f) } })),

        // The API queue takes an integration's Basic credentials: A's integration client.
        new("GET /api/queue", Unauthorized, Callers.QueueCredentials, [Get("api/queue", OwnDataOnly, f => f.A.Tag)]),
        new("POST /api/queue/{messageId:long}/ack", Unauthorized, Callers.QueueCredentials, [Send("POST", f => $"api/queue/{f.B.QueueMessageId}/ack", NotFound)]),

        // The live transport log: A negotiates as itself only; the connection's calls and messages are checked by the hub case.
        new("* /hubs/transport-log/negotiate", Unauthorized, Callers.Token | Callers.Cookie,
            [Send("POST", _ => "hubs/transport-log/negotiate?negotiateVersion=1", OwnDataOnly)]),
        new("* /hubs/transport-log", Unauthorized, Callers.None,
            [new Probe("GET", _ => "hubs/transport-log?id=unknown")], Also: TransportLogHubIsolation.AssertKeepsCompanyBOutAsync),

        // Support tools outside /api: Hangfire answers for itself; the demo receiver's switch uses the cookie's redirects.
        new("* /hangfire/{**path}", Unauthorized, Callers.Token | Callers.Cookie,
            [Get("hangfire", Forbidden), Get("hangfire/jobs/succeeded", Forbidden), Send("POST", _ => "hangfire/stats", Forbidden)]),
        new("PUT /demo/receiver/{name}/status/{status:int}", SignIn, Callers.Token | Callers.Cookie,
            [Send("PUT", f => $"demo/receiver/{f.B.Tag}/status/500", Forbidden)]),
        Public("POST /demo/receiver/{name}",
            "Development only: the stand-in for a customer's endpoint that demo webhooks deliver to, which keeps nothing but a count",
            new Probe("POST", _ => "demo/receiver/probe", Body: _ => new { })),

        Public("* /healthz", "the load balancer's probe; it tells only Healthy, Degraded or Unhealthy", Get("healthz")),
        Public("GET /openapi/{documentName}.json", "the API description; it holds no company data", Get("openapi/v1.json")),
        Public("GET /scalar/{documentName?}", ApiReference, Get("scalar/")),
        Public("GET /scalar/scalar.js", ApiReference, Get("scalar/scalar.js")),
        Public("GET /scalar/scalar.aspnetcore.js", ApiReference, Get("scalar/scalar.aspnetcore.js")),
        Public("GET /scalar/favicon.svg", ApiReference, Get("scalar/favicon.svg")),
        Public("GET /_framework/opaque-redirect", "Blazor's hop for redirects during enhanced navigation; it follows only a URL the server protected",
            Get("_framework/opaque-redirect"), anonymous: Answer.BadRequest),
        Public("* /_blazor/negotiate", BlazorCircuit, new Probe("POST", _ => "_blazor/negotiate?negotiateVersion=1")),
        Public("* /_blazor", BlazorCircuit, Get("_blazor"), anonymous: Answer.BadRequest),
        Public("* /_blazor/disconnect", BlazorCircuit, new Probe("POST", _ => "_blazor/disconnect/"), anonymous: Answer.BadRequest),
        Public("* /_blazor/initializers", BlazorCircuit, Get("_blazor/initializers/")),
    ];

    /// <summary>Every method of the transport-log hub, with the arguments that name company B.</summary>
    public static IReadOnlyDictionary<string, Func<TwoCompaniesFixture, object?[]>> HubCalls { get; } = new Dictionary<string, Func<TwoCompaniesFixture, object?[]>>
    {
        [nameof(TransportLogHub.SubscribeToCompany)] = f => [f.B.CompanyId],
        [nameof(TransportLogHub.SubscribeToAll)] = _ => [],
    };

    private static EndpointCase Page(string endpoint, params Probe[] probes) => new(endpoint, SignIn, Callers.Cookie, probes);

    private static EndpointCase Api(string endpoint, params Probe[] probes) => new(endpoint, Unauthorized, Callers.Token | Callers.Cookie, probes);

    private static EndpointCase Public(string endpoint, string because, Probe probe, Answer anonymous = Served) =>
        new(endpoint, anonymous, Callers.None, [probe], because);

    private static Probe Get(string path, Answer? asA = null, Func<TwoCompaniesFixture, string>? shows = null) => Get(_ => path, asA, shows);

    private static Probe Get(Func<TwoCompaniesFixture, string> path, Answer? asA = null, Func<TwoCompaniesFixture, string>? shows = null) =>
        new("GET", path, asA, Shows: shows);

    private static Probe Send(
        string method, Func<TwoCompaniesFixture, string> path, Answer asA, Func<TwoCompaniesFixture, object>? body = null, Func<TwoCompaniesFixture, string>? shows = null) =>
        new(method, path, asA, body, shows);

    /// <summary>A valid webhook to the fixture's receiver, with one field set to name company B (or to be changed).</summary>
    private static JsonObject WebhookNaming(TwoCompaniesFixture f, string field, JsonNode value)
    {
        var body = ApiTenants.WebhookBody($"Probe {Guid.NewGuid():n}");
        body["payloadUrl"] = f.ProbeReceiverUrl.ToString();
        body[field] = value;
        return body;
    }

    private static object EventFor(TwoCompaniesFixture f) =>
        new { type = "so.created", integrationId = f.B.Tenant.IntegrationId, contentType = "application/xml", payload = "<Order><ID>planted</ID></Order>" };
}
