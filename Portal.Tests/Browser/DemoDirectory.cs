using System.Net.Http.Json;
using System.Text.Json;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The ids the demo seed gave its companies and integrations, read through the API as support.</summary>
public sealed record DemoDirectory(int NordicId, int BalticId, IReadOnlyDictionary<string, int> IntegrationIds)
{
    public static async Task<DemoDirectory> LoadAsync(PortalAppFactory app)
    {
        using var client = app.NewClient(PortalAppFactory.SupportToken);
        var companies = await client.GetFromJsonAsync<JsonElement>("api/companies");
        var integrations = await client.GetFromJsonAsync<JsonElement>("api/integrations");
        int CompanyId(string name) => companies.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("id").GetInt32();
        return new DemoDirectory(
            CompanyId(DemoData.SupplierName),
            CompanyId(DemoData.BuyerName),
            integrations.EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("id").GetInt32()));
    }
}
