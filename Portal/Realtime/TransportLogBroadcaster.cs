using System.Threading.Channels;
using Jakamo.Portal.Core.Deliveries;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Realtime;

/// <summary>Publishes committed attempts to the transport-log hub: each company's group gets its own, support-all gets
/// every one. The delivery engine only writes to a bounded queue, so a slow or failing hub never holds up or breaks a
/// delivery, and a flood drops the oldest batches instead of growing memory.</summary>
internal sealed partial class TransportLogBroadcaster : BackgroundService, IAttemptListener
{
    /// <summary>At most this many attempts go in one hub message, to stay well within clients' message limits.</summary>
    internal const int MaxAttemptsPerMessage = 100;

    private readonly IHubContext<TransportLogHub, ITransportLogClient> _hub;
    private readonly HubAttemptFeed _feed;
    private readonly ILogger<TransportLogBroadcaster> _logger;
    private readonly Channel<IReadOnlyList<LiveAttempt>> _queue;
    private long _dropped;
    private bool _feedAbsenceLogged;

    public TransportLogBroadcaster(
        IHubContext<TransportLogHub, ITransportLogClient> hub,
        HubAttemptFeed feed,
        IOptions<RealtimeOptions> options,
        ILogger<TransportLogBroadcaster> logger)
    {
        _hub = hub;
        _feed = feed;
        _logger = logger;
        _queue = Channel.CreateBounded<IReadOnlyList<LiveAttempt>>(
            new BoundedChannelOptions(Math.Max(1, options.Value.BroadcastQueueCapacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
    }

    /// <summary>Called by the engine after its commit; never blocks and never throws.</summary>
    public void Committed(IReadOnlyList<LiveAttempt> attempts)
    {
        if (attempts.Count > 0)
        {
            // False only once the host is stopping and the queue is closed; nothing is published then anyway.
            _queue.Writer.TryWrite(attempts);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var attempts = new List<LiveAttempt>();
                while (attempts.Count < MaxAttemptsPerMessage && reader.TryRead(out var batch))
                {
                    attempts.AddRange(batch);
                }

                ReportDropped();
                foreach (var chunk in attempts.Chunk(MaxAttemptsPerMessage))
                {
                    await PublishAsync(chunk);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: what is still queued reaches pages on their next load.
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task PublishAsync(IReadOnlyList<LiveAttempt> attempts)
    {
        NoteFeedState(attempts.Count);
        try
        {
            var sends = attempts.GroupBy(a => a.CompanyId)
                .Select(company => _hub.Clients.Group(TransportLogHub.CompanyGroup(company.Key)).AttemptsCommitted([.. company]))
                .Append(_hub.Clients.Group(TransportLogHub.SupportAllGroup).AttemptsCommitted(attempts));
            await Task.WhenAll(sends);
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, attempts.Count);
        }
    }

    /// <summary>The pages' feed is a client of this hub too; attempts it misses while connecting show on the next load.</summary>
    private void NoteFeedState(int count)
    {
        if (_feed.IsConnected)
        {
            _feedAbsenceLogged = false;
        }
        else if (!_feedAbsenceLogged)
        {
            _feedAbsenceLogged = true;
            LogFeedNotConnected(count);
        }
    }

    private void OnDropped(IReadOnlyList<LiveAttempt> batch)
    {
        if (Interlocked.Increment(ref _dropped) == 1)
        {
            LogQueueFull(batch.Count);
        }
    }

    private void ReportDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 1)
        {
            LogDropped(dropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live transport-log queue is full: dropping the oldest batch ({Count} attempts). Clients see dropped attempts when they reload.")]
    private partial void LogQueueFull(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live transport-log queue dropped {Batches} batches in all while it was full.")]
    private partial void LogDropped(long batches);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing {Count} attempts to the transport-log hub failed.")]
    private partial void LogPublishFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The pages' attempt feed is not connected to the hub yet: {Count} attempts reach open pages only when they reload.")]
    private partial void LogFeedNotConnected(int count);
}
