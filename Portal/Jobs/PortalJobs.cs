using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jakamo.Portal.Jobs;

/// <summary>Hangfire: storage per provider, the server, recurring jobs and the support-only dashboard.</summary>
public static class PortalJobs
{
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = DatabaseSetup.ConfiguredProvider(configuration);

        // The storage is a DI singleton of this host, not Hangfire's process-wide JobStorage.Current, so hosts in one
        // process (tests, benchmarks) never share, or dispose, each other's storage.
        services.AddSingleton<JobStorage>(_ => provider == DatabaseProvider.SqlServer
            ? SqlServerJobStorage.Create(configuration)
            // In-memory jobs are fast but not durable; the database is the truth and recovery re-enqueues what is due.
            : new Hangfire.InMemory.InMemoryStorage());

        // Likewise the activator: Hangfire's default is the process-wide JobActivator.Current, which the last host to
        // configure Hangfire overwrites, so another host's jobs would resolve from (and fail on) its disposed services.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer(options =>
        {
            // Unique per node: Hangfire adds its own id, the process id tells nodes on one machine apart.
            options.ServerName = $"{Environment.MachineName}-{Environment.ProcessId}";
            options.WorkerCount = configuration.GetValue("Portal:Jobs:Workers", Math.Max(8, Environment.ProcessorCount * 4));
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddSingleton<IDeliveryJobs, HangfireDeliveryJobs>();
        services.AddTransient<DeliveryJobRunner>();
        services.AddHealthChecks().AddCheck<HangfireHealthCheck>("jobs");
        return services;
    }

    /// <summary>Registers the recurring jobs and runs one recovery pass, so work survives a lost job store.</summary>
    public static void StartPortalJobs(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        // A process killed mid-batch leaves its deliveries claimed until their lease ends; the next pass after that
        // resends them. Minutely by default; a six-part cron ("*/5 * * * * *") runs it every few seconds.
        var recoveryCron = app.Configuration["Portal:Jobs:RecoveryCron"] is { Length: > 0 } cron ? cron : Cron.Minutely();
        recurring.AddOrUpdate<DeliveryJobRunner>("delivery-recovery", r => r.RecoverAsync(CancellationToken.None), recoveryCron);
        recurring.AddOrUpdate<DeliveryJobRunner>("attempt-retention", r => r.PurgeAsync(CancellationToken.None), Cron.Daily(3));
        app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<DeliveryJobRunner>(r => r.RecoverAsync(CancellationToken.None));
    }

    public static IEndpointConventionBuilder MapPortalJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "Jakamo Portal jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
            Authorization = [new SupportOnlyDashboardFilter()],
        });

    /// <summary>Hangfire answers 401 to anonymous users and 403 to signed-in users this filter refuses.</summary>
    private sealed class SupportOnlyDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(PortalRoles.Support);
    }

    private sealed class HangfireHealthCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(servers > 0
                ? HealthCheckResult.Healthy($"{servers} job server(s)")
                : HealthCheckResult.Degraded("No Hangfire server is running."));
        }
    }
}
