using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Jobs;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>Nodes started together against one empty PostgreSQL database: the portal's migrations and Hangfire's
/// schema are applied once, one node at a time, under one advisory lock.</summary>
/// <remarks>The job stores are created without a host, so Hangfire's process-wide log provider is set to a live one first
/// (<see cref="SilentHangfireLog"/>). Run alone, after the parallel tests, so the migrations' timing is its own.</remarks>
[Trait("Category", "PostgreSql")]
[Collection(nameof(PostgreSqlMigrationLockTests))]
public sealed class PostgreSqlMigrationLockTests
{
    [Fact]
    public async Task TwoNodesStartingTogether_BothMigrate_AndBothJobStoresWork()
    {
        await using var database = await TestPostgres.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(database.Settings()).Build();
        await using var node1 = Node(configuration);
        await using var node2 = Node(configuration);

        await Task.WhenAll(MigrateAsync(node1), MigrateAsync(node2));
        SilentHangfireLog.Install();
        var stores = await Task.WhenAll(Task.Run(() => PortalJobs.CreateStorage(configuration)), Task.Run(() => PortalJobs.CreateStorage(configuration)));

        await using var db = await node1.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(7, await db.EventTypes.CountAsync());
        Assert.All(stores, store => Assert.Equal(0, store.GetMonitoringApi().EnqueuedCount("default")));
    }

    [Fact]
    public async Task Migration_WaitsForTheNodeHoldingTheLock()
    {
        await using var database = await TestPostgres.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(database.Settings()).Build();
        await using var node = Node(configuration);

        Task migrating;
        await using (await PostgreSqlSchemaLock.AcquireAsync(database.ConnectionString, CancellationToken.None))
        {
            migrating = MigrateAsync(node);
            await Poll.UntilAsync(async () => await ScalarAsync<long>(database, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted") == 1, TimeSpan.FromSeconds(20));

            Assert.False(migrating.IsCompleted);
            Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'Webhooks'"));
        }

        await migrating.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await ScalarAsync<long>(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'Webhooks'"));
    }

    private static ServiceProvider Node(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPortalCore(configuration, Path.GetTempPath());
        return services.BuildServiceProvider();
    }

    private static async Task MigrateAsync(ServiceProvider node)
    {
        await Task.Yield();
        await using var db = await node.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await node.GetRequiredService<IDatabaseMigrator>().MigrateAsync(db, CancellationToken.None);
    }

    internal static async Task<T> ScalarAsync<T>(TestPostgres database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

[CollectionDefinition(nameof(PostgreSqlMigrationLockTests), DisableParallelization = true)]
public sealed class PostgreSqlMigrationLockCollection;

/// <summary>A node that cannot install Hangfire's tables stops its start with a message, instead of running without jobs.</summary>
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlJobStoreInstallTests
{
    [Fact]
    public async Task JobStore_ThatCannotBeInstalled_StopsTheStart_WithAMessageSayingWhereToLook()
    {
        await using var database = await TestPostgres.CreateAsync();
        // A user who may connect but not create schemas (PostgreSQL grants CREATE on a database to nobody by default).
        var user = "jakamo_noddl_" + Guid.NewGuid().ToString("n")[..8];
        const string password = "no-ddl-password-7c1e";
        await PostgreSqlMigrationLockTests.ScalarAsync<int>(database, $"CREATE ROLE {user} LOGIN PASSWORD '{password}'; SELECT 1");
        try
        {
            var restricted = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = user, Password = password }.ConnectionString;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(database.Settings())
            {
                ["Database:ConnectionString"] = restricted,
            }).Build();

            SilentHangfireLog.Install();
            var error = Assert.Throws<InvalidOperationException>(() => PortalJobs.CreateStorage(configuration));

            Assert.Contains("Hangfire's tables are missing from schema 'hangfire'", error.Message, StringComparison.Ordinal);
            Assert.Contains("may create schemas and tables", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgreSqlMigrationLockTests.ScalarAsync<int>(database, $"DROP OWNED BY {user}; DROP ROLE {user}; SELECT 1");
        }
    }
}
