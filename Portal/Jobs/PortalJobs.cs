using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Jakamo.Portal.Jobs;

/// <summary>Hangfire: storage per provider, the server, recurring jobs and the support-only dashboard.</summary>
public static class PortalJobs
{
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // The storage is a DI singleton of this host, not Hangfire's process-wide JobStorage.Current, so hosts in one
        // process (tests, benchmarks) never share, or dispose, each other's storage.
        services.AddSingleton(_ => CreateStorage(configuration));

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
            options.ServerName = configuration["Portal:Jobs:ServerName"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";
            options.WorkerCount = configuration.GetValue("Portal:Jobs:Workers", Math.Max(8, Environment.ProcessorCount * 4));
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddSingleton<IDeliveryJobs, HangfireDeliveryJobs>();
        services.AddTransient<DeliveryJobRunner>();
        services.AddHealthChecks().AddCheck<HangfireHealthCheck>("jobs");
        return services;
    }

    /// <summary>The job store of the configured database provider. With a server database it lives in that database, and
    /// every node that shares the database shares the jobs: each job runs on one node, and each recurring job once per
    /// cluster (Hangfire schedules them under a distributed lock).</summary>
    internal static JobStorage CreateStorage(IConfiguration configuration) => DatabaseSetup.ConfiguredProvider(configuration) switch
    {
        DatabaseProvider.SqlServer => SqlServerJobStorage.Create(configuration),
        DatabaseProvider.PostgreSql => CreatePostgreSqlStorage(DatabaseSetup.RequiredConnectionString(configuration)),
        // In-memory jobs are fast but not durable; the database is the truth and recovery re-enqueues what is due.
        _ => new Hangfire.InMemory.InMemoryStorage(),
    };

    private static PostgreSqlStorage CreatePostgreSqlStorage(string connectionString)
    {
        // Nodes starting together install Hangfire's schema one at a time, under the lock the migrations take.
        using var schemaLock = PostgreSqlSchemaLock.Acquire(connectionString);

        // Hangfire.PostgreSql logs a failed schema install (a timeout on a loaded server, say) and carries on, and a node
        // without the tables would fail only at its first job. So the tables are checked, the install tried once more,
        // and the start stopped with a message that says where to look if they are still missing.
        for (var attempt = 1; ; attempt++)
        {
            var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, PostgreSqlOptions), PostgreSqlOptions);
            if (HangfireTablesExist(connectionString))
            {
                return storage;
            }

            if (attempt == 2)
            {
                throw new InvalidOperationException(
                    $"Hangfire's tables are missing from schema '{PostgreSqlOptions.SchemaName}' after two install attempts; Hangfire.PostgreSql logged the install errors. Check that the database user may create schemas and tables.");
            }
        }
    }

    private static bool HangfireTablesExist(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var check = new NpgsqlCommand($"SELECT to_regclass('{PostgreSqlOptions.SchemaName}.jobqueue') IS NOT NULL", connection);
        return check.ExecuteScalar() is true;
    }

    private static readonly PostgreSqlStorageOptions PostgreSqlOptions = new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = true,
        // Workers wait on LISTEN/NOTIFY for new jobs instead of polling the queue table every few seconds.
        EnableLongPolling = true,
        QueuePollInterval = TimeSpan.FromSeconds(1),
        // A job fetched by a node that died is handed out again after this long; the sliding timeout keeps a long
        // job of a live node from being handed out twice.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
    };

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
