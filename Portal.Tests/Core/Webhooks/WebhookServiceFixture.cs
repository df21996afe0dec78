using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Core.Webhooks;

/// <summary>A company with an SO integration, over a fresh SQLite file, for each test.</summary>
public abstract class WebhookServiceTestBase : IAsyncLifetime
{
    protected CoreServices Services { get; private set; } = default!;

    protected WebhookService Webhooks => Services.Get<WebhookService>();

    protected Company Company { get; private set; } = default!;

    protected Integration SalesOrder { get; private set; } = default!;

    protected PortalActor Admin => TestData.AdminOf(Company.Id);

    protected virtual Dictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Services = await CoreServices.CreateAsync(Settings);
        await using var db = Services.NewDb();
        Company = await TestData.CompanyAsync(db, "Nordic Components");
        SalesOrder = await TestData.IntegrationAsync(db, Company.Id, IntegrationKind.SalesOrder, "SO production");
    }

    public async Task DisposeAsync() => await Services.DisposeAsync();

    protected async Task<IReadOnlyDictionary<string, string[]>> ErrorsOf(Func<Task> save)
    {
        var error = await Assert.ThrowsAsync<Jakamo.Portal.Core.Common.PortalValidationException>(save);
        return error.Errors;
    }
}
