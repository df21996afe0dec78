using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>The SQLite write gate over a real database file: writers queue instead of sleeping on SQLITE_BUSY, and the
/// turn always comes back, however a writer ends.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private CoreServices _core = default!;

    private SqliteWriteGate Gate => _core.Provider.GetRequiredService<SqliteWriteGate>();

    public async Task InitializeAsync() => _core = await CoreServices.CreateAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task EveryConnection_WaitsForLocks_AndSyncsOnCheckpointsOnly()
    {
        await using var db = _core.NewDb();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal(30_000L, await PragmaAsync(connection, "busy_timeout"));
        Assert.Equal(1L, await PragmaAsync(connection, "synchronous")); // NORMAL
    }

    [Fact]
    public async Task ATransaction_HoldsTheTurn_UntilItCommits()
    {
        await using var db = _core.NewDb();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Companies.Add(new Company { Name = "Held Oy", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        Assert.False(Gate.IsFree);

        await transaction.CommitAsync();
        Assert.True(Gate.IsFree);
    }

    [Fact]
    public async Task ATransactionDisposedWithoutCommit_GivesTheTurnBack_AndStoresNothing()
    {
        await using (var db = _core.NewDb())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Companies.Add(new Company { Name = "Abandoned Oy", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            Assert.False(Gate.IsFree);
        }

        Assert.True(Gate.IsFree);
        await using var check = _core.NewDb();
        Assert.False(await check.Companies.AnyAsync(c => c.Name == "Abandoned Oy"));
    }

    [Fact]
    public async Task AFailedWrite_GivesTheTurnBack()
    {
        await using var db = _core.NewDb();
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE NoSuchTable SET X = 1"));
        Assert.True(Gate.IsFree);

        await db.Companies.Where(c => c.Id < 0).ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "nobody"));
        Assert.True(Gate.IsFree);
    }

    [Fact]
    public async Task ManyConcurrentWriters_AllCommit_InsideAndOutsideTransactions()
    {
        const int Writers = 24;
        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            await using var db = _core.NewDb();
            if (i % 2 == 0)
            {
                await db.InTransactionAsync(async ct =>
                {
                    db.Companies.Add(new Company { Name = $"Writer {i}", CreatedAt = DateTime.UtcNow });
                    return await db.SaveChangesAsync(ct);
                }, CancellationToken.None);
            }
            else
            {
                db.Companies.Add(new Company { Name = $"Writer {i}", CreatedAt = DateTime.UtcNow });
                await db.SaveChangesAsync();
                await db.Companies.Where(c => c.Name == $"Writer {i}").ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, $"Writer {i} updated"));
            }
        }));

        await Task.WhenAll(writers);

        Assert.True(Gate.IsFree);
        await using var check = _core.NewDb();
        Assert.Equal(Writers, await check.Companies.CountAsync(c => c.Name.StartsWith("Writer ")));
        Assert.Equal(Writers / 2, await check.Companies.CountAsync(c => c.Name.EndsWith(" updated")));
    }

    [Fact]
    public void PlannerStatistics_AreRefreshedOnTheFirstConnection_ThenHourly()
    {
        var gate = new SqliteWriteGate(_core.Time);

        Assert.True(gate.OptimizeDue());
        Assert.False(gate.OptimizeDue());
        _core.Time.Advance(SqliteWriteGate.OptimizeInterval - TimeSpan.FromSeconds(1));
        Assert.False(gate.OptimizeDue());
        _core.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.OptimizeDue());
        Assert.False(gate.OptimizeDue());
    }

    [Fact]
    public async Task AGrownTable_GetsStatistics_WhenTheHourlyOptimizeRuns()
    {
        await using (var db = _core.NewDb())
        {
            db.Companies.AddRange(Enumerable.Range(0, 3_000).Select(i => new Company { Name = $"Company {i}", CreatedAt = DateTime.UtcNow }));
            await db.SaveChangesAsync();
            Assert.Equal(0L, await StatisticsAsync(db, "Companies"));
        }

        _core.Time.Advance(SqliteWriteGate.OptimizeInterval);
        await using var later = _core.NewDb();
        Assert.True(await StatisticsAsync(later, "Companies") > 0);
    }

    [Theory]
    [InlineData("SELECT 1", false)]
    [InlineData("  select * from Attempts", false)]
    [InlineData("PRAGMA journal_mode", false)]
    [InlineData("INSERT INTO Companies (Name) VALUES ('x') RETURNING Id", true)]
    [InlineData("UPDATE Deliveries SET LeaseUntil = NULL", true)]
    [InlineData("DELETE FROM Attempts", true)]
    public void OnlyWritesOutsideATransaction_TakeTheTurn(string sql, bool takesTurn)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(takesTurn, SqliteWriteGate.IsWriteOutsideTransaction(command));
    }

    private static async Task<long> StatisticsAsync(PortalDbContext db, string table)
    {
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = '{table}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> PragmaAsync(System.Data.Common.DbConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
