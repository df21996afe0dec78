using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>Portal.Core's services over a real, freshly migrated SQLite file.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private CoreServices(Dictionary<string, string?>? settings, Action<IServiceCollection>? configure)
    {
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={_directory.File("portal.db")}",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddPortalCore(configuration, _directory.Path);
        services.AddIdentityCore<PortalUser>(o => o.Password.RequireNonAlphanumeric = false)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>();
        configure?.Invoke(services);
        Provider = services.BuildServiceProvider(validateScopes: true);
        Scope = Provider.CreateAsyncScope();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    public ServiceProvider Provider { get; }

    /// <summary>A scope for scoped services such as <c>UserManager</c>.</summary>
    public AsyncServiceScope Scope { get; }

    public string DatabasePath => _directory.File("portal.db");

    public T Get<T>()
        where T : notnull => Scope.ServiceProvider.GetRequiredService<T>();

    public PortalDbContext NewDb() => Provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public static async Task<CoreServices> CreateAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var services = new CoreServices(settings, configure);
        await using var db = services.NewDb();
        await db.Database.MigrateAsync();
        var roles = services.Get<RoleManager<IdentityRole>>();
        await roles.CreateAsync(new IdentityRole(PortalRoles.Support));
        await roles.CreateAsync(new IdentityRole(PortalRoles.CompanyAdmin));
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        await Scope.DisposeAsync();
        await Provider.DisposeAsync();
        _directory.Dispose();
    }
}
