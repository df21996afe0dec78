using System.Collections.Immutable;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Realtime;

/// <summary>
/// The pages' feed: one SignalR client per node, connected to the node's own transport-log hub as the internal feed
/// identity (support-all), so pages get exactly what the hub publishes, including, with a backplane, other nodes'
/// attempts. It fans each batch out to in-process subscribers, filtered by each subscriber's actor.
/// </summary>
internal sealed partial class HubAttemptFeed(
    IServer server,
    IHostApplicationLifetime lifetime,
    AttemptFeedIdentity identity,
    IOptions<RealtimeOptions> options,
    ILogger<HubAttemptFeed> logger)
    : BackgroundService, IAttemptFeed
{
    /// <summary>Batches a slow subscriber may fall behind by before its oldest are dropped.</summary>
    private const int SubscriberBacklog = 64;

    private static readonly TimeSpan[] RetryDelays = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    private ImmutableList<Subscription> _subscriptions = [];
    private volatile HubConnection? _connection;

    /// <summary>True while the feed's connection to the hub is up.</summary>
    public bool IsConnected => _connection?.State == HubConnectionState.Connected;

    public IDisposable Subscribe(PortalActor actor, Func<IReadOnlyList<LiveAttempt>, Task> onAttempts)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(onAttempts);
        var subscription = new Subscription(this, actor, onAttempts);
        ImmutableInterlocked.Update(ref _subscriptions, (list, added) => list.Add(added), subscription);
        return subscription;
    }

    /// <summary>Hands a batch from the hub to every subscriber that may see some of it; never waits for a subscriber.</summary>
    internal void Publish(IReadOnlyList<LiveAttempt> attempts)
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Offer(attempts);
        }
    }

    /// <summary>This node's own hub URL, from the server's addresses, preferring plain http on 127.0.0.1. Null when the
    /// server has no TCP address (a Unix socket, or the in-memory test server).</summary>
    internal static Uri? HubUrl(IEnumerable<string> serverAddresses) =>
        serverAddresses.Select(BindingAddress.Parse)
            .Where(a => !a.IsUnixPipe && !a.IsNamedPipe && a.Port > 0)
            .Select(a => new UriBuilder(a.Scheme, LoopbackFor(a.Host), a.Port, a.PathBase + TransportLogHub.Path).Uri)
            .OrderBy(u => u.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .ThenBy(u => u.Host == "127.0.0.1" ? 0 : 1)
            .FirstOrDefault();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await WhenStartedAsync(stopping.Token);
            var url = options.Value.FeedHubUrl ?? HubUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
            if (url is null)
            {
                LogNoAddress();
                return;
            }

            // A channel, not a semaphore: Closed may still be raised after this method has returned.
            var closed = Channel.CreateUnbounded<Exception?>();
            await using var connection = Connect(url, stopping.Token);
            connection.Closed += error =>
            {
                LogClosed(error);
                closed.Writer.TryWrite(error);
                return Task.CompletedTask;
            };
            _connection = connection;
            while (true)
            {
                await StartAsync(connection, url, stopping.Token);
                await closed.Reader.ReadAsync(stopping.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
        catch (Exception ex)
        {
            // Live updates are a convenience: losing them must not stop the host.
            LogFeedFailed(ex);
        }
        finally
        {
            _connection = null;
        }
    }

    private HubConnection Connect(Uri url, CancellationToken stopping)
    {
        // The client's own logging stays off: it reports the server closing first at shutdown as errors, and the
        // feed logs its connection's life, with the causes, itself.
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(identity.Secret);
                o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect(new RetryForever(stopping))
            .Build();
        connection.On<IReadOnlyList<LiveAttempt>>(nameof(ITransportLogClient.AttemptsCommitted), Publish);
        connection.Reconnecting += error =>
        {
            LogReconnecting(error);
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            LogReconnected();
            return Task.CompletedTask;
        };
        return connection;
    }

    /// <summary>Starts the connection, retrying until it is up or the host stops.</summary>
    private async Task StartAsync(HubConnection connection, Uri url, CancellationToken stopping)
    {
        for (var attempt = 0; connection.State == HubConnectionState.Disconnected; attempt++)
        {
            try
            {
                await connection.StartAsync(stopping);
                LogConnected(url);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                var delay = RetryDelays[Math.Min(attempt + 1, RetryDelays.Length - 1)];
                LogStartFailed(ex, url, delay);
                await Task.Delay(delay, stopping);
            }
        }
    }

    private async Task WhenStartedAsync(CancellationToken stopping)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stopping);
    }

    private static string LoopbackFor(string host) => host switch
    {
        "*" or "+" or "0.0.0.0" or "[::]" or "localhost" => "127.0.0.1",
        _ => host,
    };

    private void Remove(Subscription subscription) =>
        ImmutableInterlocked.Update(ref _subscriptions, (list, removed) => list.Remove(removed), subscription);

    [LoggerMessage(Level = LogLevel.Information, Message = "The attempt feed for pages is connected to {Url}.")]
    private partial void LogConnected(Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The attempt feed could not connect to {Url}; retrying in {Delay}. Pages show new attempts when they reload.")]
    private partial void LogStartFailed(Exception exception, Uri url, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The attempt feed lost its hub connection and is reconnecting.")]
    private partial void LogReconnecting(Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The attempt feed reconnected to the hub.")]
    private partial void LogReconnected();

    [LoggerMessage(Level = LogLevel.Information, Message = "The attempt feed's hub connection closed.")]
    private partial void LogClosed(Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server has no TCP address for the attempt feed to connect to; set Portal:Realtime:FeedHubUrl. Pages show new attempts only when they reload.")]
    private partial void LogNoAddress();

    [LoggerMessage(Level = LogLevel.Error, Message = "The attempt feed stopped; pages show new attempts only when they reload.")]
    private partial void LogFeedFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An attempt feed subscriber failed; it stays subscribed.")]
    private partial void LogSubscriberFailed(Exception exception);

    /// <summary>Reconnects with growing delays, up to 30 s apart, until the host stops.</summary>
    private sealed class RetryForever(CancellationToken stopping) : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            stopping.IsCancellationRequested ? null : RetryDelays[(int)Math.Min(retryContext.PreviousRetryCount, RetryDelays.Length - 1)];
    }

    /// <summary>One subscriber: its own small queue and pump, so a slow page neither holds up others nor loses order.</summary>
    private sealed class Subscription : IDisposable
    {
        private readonly HubAttemptFeed _feed;
        private readonly PortalActor _actor;
        private readonly Func<IReadOnlyList<LiveAttempt>, Task> _onAttempts;
        private readonly Channel<IReadOnlyList<LiveAttempt>> _pending = Channel.CreateBounded<IReadOnlyList<LiveAttempt>>(
            new BoundedChannelOptions(SubscriberBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        private volatile bool _disposed;

        public Subscription(HubAttemptFeed feed, PortalActor actor, Func<IReadOnlyList<LiveAttempt>, Task> onAttempts)
        {
            _feed = feed;
            _actor = actor;
            _onAttempts = onAttempts;
            _ = Task.Run(PumpAsync);
        }

        public void Offer(IReadOnlyList<LiveAttempt> attempts)
        {
            IReadOnlyList<LiveAttempt> visible = _actor.IsSupport ? attempts : [.. attempts.Where(a => _actor.CanAccessCompany(a.CompanyId))];
            if (visible.Count > 0)
            {
                _pending.Writer.TryWrite(visible);
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _feed.Remove(this);
            _pending.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            await foreach (var batch in _pending.Reader.ReadAllAsync())
            {
                if (_disposed)
                {
                    return;
                }

                try
                {
                    await _onAttempts(batch);
                }
                catch (Exception ex) when (!_disposed)
                {
                    _feed.LogSubscriberFailed(ex);
                }
                catch (Exception)
                {
                    // Disposed while handling: the page is gone, and what it failed to show no longer matters.
                }
            }
        }
    }
}
