using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>Portal.Core's services over a real, freshly migrated database: a SQLite file, or with
/// <see cref="CreateOnPostgreSqlAsync"/> a new PostgreSQL database.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private CoreServices(Dictionary<string, string?>? settings, Action<IServiceCollection>? configure, TestPostgres? postgres)
    {
        Postgres = postgres;
        var values = postgres?.Settings() ?? new Dictionary<string, string?>
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

    /// <summary>The PostgreSQL database the services run on, or null on SQLite.</summary>
    public TestPostgres? Postgres { get; }

    /// <summary>A scope for scoped services such as <c>UserManager</c>.</summary>
    public AsyncServiceScope Scope { get; }

    public string DatabasePath => _directory.File("portal.db");

    public T Get<T>()
        where T : notnull => Scope.ServiceProvider.GetRequiredService<T>();

    public PortalDbContext NewDb() => Provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public static Task<CoreServices> CreateAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null) =>
        InitializeAsync(new CoreServices(settings, configure, null));

    /// <summary>The same services on a fresh PostgreSQL database (see <see cref="TestPostgres"/>), dropped on dispose.</summary>
    public static async Task<CoreServices> CreateOnPostgreSqlAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null) =>
        await InitializeAsync(new CoreServices(settings, configure, await TestPostgres.CreateAsync()));

    private static async Task<CoreServices> InitializeAsync(CoreServices services)
    {
        await using var db = services.NewDb();
        await services.Get<IDatabaseMigrator>().MigrateAsync(db, CancellationToken.None);
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
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
