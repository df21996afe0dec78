using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>Portal.Core over SQLite with two companies, and <see cref="Records"/> to write their delivery history at chosen
/// times, for tests of figures computed from it. Jobs are only recorded, never run.</summary>
public sealed class RecordedHistory : IAsyncDisposable
{
    private RecordedHistory(CoreServices core, Company nordic, Company baltic)
    {
        Core = core;
        Records = new DeliveryRecords(core.Provider.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        Nordic = nordic;
        Baltic = baltic;
    }

    public CoreServices Core { get; }

    public DeliveryRecords Records { get; }

    public Company Nordic { get; }

    public Company Baltic { get; }

    public DateTime Now => Core.Time.GetUtcNow().UtcDateTime;

    public static async Task<RecordedHistory> CreateAsync()
    {
        var core = await CoreServices.CreateAsync(configure: services => services.AddSingleton<IDeliveryJobs>(new RecordingJobs()));
        await using var db = core.NewDb();
        return new RecordedHistory(core, await TestData.CompanyAsync(db, "Nordic Components"), await TestData.CompanyAsync(db, "Baltic Machinery"));
    }

    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
