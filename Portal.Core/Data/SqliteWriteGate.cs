using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Jakamo.Portal.Core.Data;

/// <summary>
/// SQLite lets one writer in at a time. Left alone, every other writer gets SQLITE_BUSY, and Microsoft.Data.Sqlite
/// retries it after sleeping 150 ms, so under load the portal spent more time asleep than writing. This gate queues
/// the process's writers instead: a transaction, or a write outside one, waits its turn asynchronously and starts the
/// moment the previous writer commits. Readers never wait (WAL mode).
/// <para>The turn is released on commit, rollback or failure, and in any case when the connection closes, so a
/// writer that never finishes cleanly cannot keep it. A wait longer than <see cref="MaxWait"/> goes ahead without the
/// gate, to SQLite's own busy handling, so an unforeseen nesting can only be slow, never hang.</para>
/// <para>Each connection also gets <c>busy_timeout</c> (for writers outside this process) and
/// <c>synchronous=NORMAL</c>, which in WAL mode keeps every commit through a process crash and costs no fsync per
/// commit; the first connection, and one an hour after it, runs <c>PRAGMA optimize</c>
/// (see docs/decisions/0006-sqlite-write-path.md).</para>
/// </summary>
public sealed class SqliteWriteGate(TimeProvider time) : IDbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>How often a connection also refreshes the query planner's statistics.</summary>
    public static readonly TimeSpan OptimizeInterval = TimeSpan.FromHours(1);

    private const string ConnectionPragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";

    // SQLite's advice for long-lived applications: optimize when the first connection opens, then every few hours. It
    // analyzes only tables whose size changed a lot, with a bounded sample, so it takes milliseconds even at millions
    // of rows; without it the planner knows nothing of the indexes' selectivity and picks badly as the log grows.
    private const string OptimizePragma = " PRAGMA optimize = 0x10002;";

    private long _nextOptimizeTicks;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<DbConnection, bool> _holders = new();

    /// <summary>True when no writer of this process holds the turn.</summary>
    public bool IsFree => _turn.CurrentCount == 1;

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Pragmas(connection);
        command.ExecuteNonQuery();
    }

    public async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Pragmas(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Acquire(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(connection, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction, eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Released(ConnectionOf(transaction, eventData));

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction, eventData));

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Released(ConnectionOf(transaction, eventData));

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(ConnectionOf(transaction, eventData));

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        Released(ConnectionOf(transaction, eventData));

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        AcquireForWrite(command);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AcquireForWriteAsync(command, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ReleaseAfterWrite(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ReleaseAfterWrite(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        AcquireForWrite(command);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await AcquireForWriteAsync(command, cancellationToken);
        return result;
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        ReleaseAfterWrite(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        ReleaseAfterWrite(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        AcquireForWrite(command);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await AcquireForWriteAsync(command, cancellationToken);
        return result;
    }

    // A write that returns rows (INSERT ... RETURNING) outside a transaction commits when its reader is done.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ReleaseAfterWrite(command);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ReleaseAfterWrite(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        ReleaseAfterWrite(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ReleaseAfterWrite(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseAfterWrite(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ReleaseAfterWrite(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseAfterWrite(command);
        return Task.CompletedTask;
    }

    /// <summary>Reads (and everything inside a transaction, which already holds the turn) pass straight through.</summary>
    internal static bool IsWriteOutsideTransaction(DbCommand command)
    {
        if (command.Transaction is not null)
        {
            return false;
        }

        var text = command.CommandText.AsSpan().TrimStart();
        return !text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase);
    }

    // The context's connection is the one the turn was taken for; a committed transaction may already have let go of it.
    private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionEventData eventData) =>
        eventData.Context?.Database.GetDbConnection() ?? transaction.Connection;

    private DbCommand Pragmas(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = ConnectionPragmas + (OptimizeDue() ? OptimizePragma : "");
        return command;
    }

    /// <summary>True for the first connection, then once per <see cref="OptimizeInterval"/>.</summary>
    internal bool OptimizeDue()
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextOptimizeTicks);
        return now >= next && Interlocked.CompareExchange(ref _nextOptimizeTicks, now + OptimizeInterval.Ticks, next) == next;
    }

    private void AcquireForWrite(DbCommand command)
    {
        if (command.Connection is { } connection && IsWriteOutsideTransaction(command))
        {
            Acquire(connection);
        }
    }

    private async Task AcquireForWriteAsync(DbCommand command, CancellationToken ct)
    {
        if (command.Connection is { } connection && IsWriteOutsideTransaction(command))
        {
            await AcquireAsync(connection, ct);
        }
    }

    private void ReleaseAfterWrite(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            Release(connection);
        }
    }

    private void Acquire(DbConnection connection)
    {
        if (!_holders.ContainsKey(connection) && _turn.Wait(MaxWait))
        {
            _holders[connection] = true;
        }
    }

    private async Task AcquireAsync(DbConnection connection, CancellationToken ct)
    {
        if (!_holders.ContainsKey(connection) && await _turn.WaitAsync(MaxWait, ct))
        {
            _holders[connection] = true;
        }
    }

    private void Release(DbConnection? connection)
    {
        if (connection is not null && _holders.TryRemove(connection, out _))
        {
            _turn.Release();
        }
    }

    private Task Released(DbConnection? connection)
    {
        Release(connection);
        return Task.CompletedTask;
    }
}
