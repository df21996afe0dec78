using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Jakamo.Portal.Core.Data;

/// <summary>Applies the migrations at start. Each provider's branch of <see cref="DatabaseSetup"/> registers its own,
/// so nothing else asks which provider it runs on.</summary>
public interface IDatabaseMigrator
{
    Task MigrateAsync(PortalDbContext db, CancellationToken ct);
}

/// <summary>SQL Server: EF Core's migrator already holds an application lock (sp_getapplock) while it applies.</summary>
internal sealed class SqlServerMigrator : IDatabaseMigrator
{
    public Task MigrateAsync(PortalDbContext db, CancellationToken ct) => db.Database.MigrateAsync(ct);
}

/// <summary>SQLite: one file, one node; WAL lets the log viewer read while deliveries write.</summary>
internal sealed class SqliteMigrator : IDatabaseMigrator
{
    public async Task MigrateAsync(PortalDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}

/// <summary>PostgreSQL: nodes starting together take turns under <see cref="PostgreSqlSchemaLock"/>; the first applies
/// the migrations, the others then find nothing pending.</summary>
internal sealed class PostgreSqlMigrator(string connectionString) : IDatabaseMigrator
{
    public async Task MigrateAsync(PortalDbContext db, CancellationToken ct)
    {
        await using var held = await PostgreSqlSchemaLock.AcquireAsync(connectionString, ct);
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>
/// A session-level PostgreSQL advisory lock that serializes schema changes across nodes: the portal's migrations and
/// Hangfire's schema install. It lives on its own unpooled connection, so it ends with that connection, even if the
/// process dies while holding it.
/// </summary>
public sealed class PostgreSqlSchemaLock : IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock key: "JAKAMO" in ASCII.</summary>
    public const long Key = 0x4A414B414D4F;

    private readonly NpgsqlConnection _connection;

    private PostgreSqlSchemaLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<PostgreSqlSchemaLock> AcquireAsync(string connectionString, CancellationToken ct)
    {
        var connection = LockConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = LockCommand(connection);
            await command.ExecuteNonQueryAsync(ct);
            return new PostgreSqlSchemaLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static PostgreSqlSchemaLock Acquire(string connectionString)
    {
        var connection = LockConnection(connectionString);
        try
        {
            connection.Open();
            using var command = LockCommand(connection);
            command.ExecuteNonQuery();
            return new PostgreSqlSchemaLock(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Closing the unpooled connection ends the session, which releases the lock.
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    public void Dispose() => _connection.Dispose();

    private static NpgsqlConnection LockConnection(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Enlist = false }.ConnectionString);

    private static NpgsqlCommand LockCommand(NpgsqlConnection connection) =>
        new($"SELECT pg_advisory_lock({Key})", connection) { CommandTimeout = 300 };
}
