using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Jobs;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Jakamo.Portal.Tests.Jobs;

/// <summary>First-attempt jobs are coalesced per webhook while one still waits in the queue, against real Hangfire storage.</summary>
public sealed class HangfireDeliveryJobsTests : IDisposable
{
    private readonly InMemoryStorage _storage;
    private readonly BackgroundJobClient _client;
    private readonly FakeTimeProvider _time = new();
    private readonly HangfireDeliveryJobs _jobs;

    public HangfireDeliveryJobsTests()
    {
        // Hangfire's log provider is process-wide, and a portal host of another test may have set one it has since disposed.
        SilentHangfireLog.Install();
        _storage = new InMemoryStorage();
        _client = new BackgroundJobClient(_storage);
        _jobs = new HangfireDeliveryJobs(_client, _storage, _time);
    }

    [Fact]
    public void WhileAWebhooksJobWaits_NewDeliveriesJoinIt_InsteadOfQueuingAnother()
    {
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));

        Assert.Equal(1, Enqueued());
    }

    [Fact]
    public void EachWebhook_GetsItsOwnJob()
    {
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        _jobs.EnqueueFirstAttempts(Info(webhookId: 2));

        Assert.Equal(2, Enqueued());
    }

    [Fact]
    public void OnceTheJobHasLeftTheQueue_TheNextDeliveriesGetANewJob()
    {
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        var started = _storage.GetMonitoringApi().EnqueuedJobs("default", 0, 10).Single().Key;

        // A worker takes it (Hangfire's Processing state is internal to its server; any state but Enqueued will do).
        Assert.True(_client.ChangeState(started, new DeletedState(), EnqueuedState.StateName));

        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));

        var waiting = _storage.GetMonitoringApi().EnqueuedJobs("default", 0, 10).Where(j => j.Value.InEnqueuedState).Select(j => j.Key);
        Assert.NotEqual(started, Assert.Single(waiting));
    }

    [Fact]
    public void AJobStillEnqueuedAfterTheTrustedWait_GetsAnotherBesideIt_AsAJobFetchedByADeadNodeWould()
    {
        // On a shared store, a job fetched by a node that then died stays Enqueued until its invisibility timeout.
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        _time.Advance(HangfireDeliveryJobs.TrustWaitingJobFor - TimeSpan.FromSeconds(1));
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        Assert.Equal(1, Enqueued());

        _time.Advance(TimeSpan.FromSeconds(1));
        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        Assert.Equal(2, Enqueued());

        _jobs.EnqueueFirstAttempts(Info(webhookId: 1));
        Assert.Equal(2, Enqueued());
    }

    public void Dispose() => _storage.Dispose();

    private static DeliveryJobInfo Info(int webhookId) => new(webhookId, $"ERP {webhookId}", "so.created", Count: 1);

    private long Enqueued() => _storage.GetMonitoringApi().EnqueuedCount("default");
}
