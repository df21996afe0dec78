using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>Each provider's migrations match the model the app builds, and apply or script cleanly.</summary>
public sealed class MigrationTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("SqlServer")]
    [InlineData("PostgreSql")]
    public void Model_HasNoPendingChanges(string provider)
    {
        using var directory = new TempDirectory();
        using var services = AppServices(provider, directory);
        using var db = services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes without a migration: add one with dotnet ef migrations add.");
    }

    [Fact]
    public async Task SqliteMigrations_ApplyToAFreshFile()
    {
        using var directory = new TempDirectory();
        await using var services = AppServices("Sqlite", directory);
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        await db.Database.MigrateAsync();

        Assert.True(File.Exists(directory.File("portal.db")));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(7, await db.EventTypes.CountAsync());
        Assert.Empty(await db.Webhooks.ToListAsync());
    }

    [Fact]
    public void SqlServerScript_IsGenerated_AsIdempotentTSql()
    {
        using var directory = new TempDirectory();
        using var services = AppServices("SqlServer", directory);
        using var db = services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.IsType<SqlServerPortalDbContext>(db);
        Assert.Contains("CREATE TABLE [Webhooks]", script, StringComparison.Ordinal);
        Assert.Contains("IF NOT EXISTS (\n    SELECT * FROM [__EFMigrationsHistory]", script.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("[DataProtectionKeys]", script, StringComparison.Ordinal);
    }

    private static ServiceProvider AppServices(string provider, TempDirectory directory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = provider switch
            {
                "Sqlite" => $"Data Source={directory.File("portal.db")}",
                "PostgreSql" => "Host=127.0.0.1;Port=1;Database=jakamo_portal;Username=not-used;Password=not-used",
                _ => "Server=127.0.0.1,1;Database=JakamoPortal;User Id=sa;Password=not-used;TrustServerCertificate=True",
            },
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPortalCore(configuration, directory.Path);
        services.AddIdentityCore<PortalUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>();
        return services.BuildServiceProvider();
    }
}
