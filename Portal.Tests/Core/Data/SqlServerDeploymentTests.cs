using System.Data.Common;
using System.Diagnostics;
using Hangfire;
using Hangfire.SqlServer;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Jobs;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MudBlazor;
using Xunit.Abstractions;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>The SQL Server configuration of docs/deploy-sqlserver.md builds the whole web host without a SQL Server.</summary>
public sealed class SqlServerDeploymentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SqlServerHost_ResolvesEveryService_WithoutConnectingToTheServer()
    {
        // No SQL Server listens on 127.0.0.1:1. SqlClient reports every Open to its diagnostic listener before it tries the
        // network, so an attempt counts even where it fails early.
        var database = $"JakamoPortal_{Guid.NewGuid():n}";
        using var opens = new SqlConnectionOpens(database);
        using var directory = new TempDirectory();
        var (app, services) = BuildPortal(directory, database);
        await using var _ = app;

        await using var scope = app.Services.CreateAsyncScope();
        var (resolved, failures) = ResolveAll(services, scope.ServiceProvider);
        output.WriteLine($"SQLSERVER services resolved={resolved} skipped={Skipped.Count} (open generics are resolved closed as dependencies)");

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.IsType<SqlServerPortalDbContext>(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
        Assert.IsType<SqlServerStorage>(app.Services.GetRequiredService<JobStorage>());
        Assert.True(opens.Count == 0, $"Building the host or resolving a service opened {opens.Count} connection(s) to the database server.");
    }

    [Fact]
    public async Task SqlClient_GetsAsFarAsTheNetwork_SoTheBuildIsNotGlobalizationInvariant()
    {
        // In globalization-invariant mode SqlClient throws NotSupportedException before it touches the network. Nobody
        // listens on 127.0.0.1:1, so a usable SqlClient fails with a connection error instead.
        await using var connection = new SqlConnection("Server=tcp:127.0.0.1,1;Database=Jakamo;Connect Timeout=2;Encrypt=False");

        var error = await Assert.ThrowsAsync<SqlException>(() => connection.OpenAsync());

        Assert.StartsWith("A network-related or instance-specific error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HangfireOptions_AreThe18RecommendedOnes_AndNeedNoServerToDetectThem()
    {
        var production = SqlServerJobStorage.Options(installSchema: false);

        Assert.False(production.PrepareSchemaIfNecessary);
        Assert.False(production.TryAutoDetectSchemaDependentOptions);
        Assert.True(SqlServerJobStorage.Options(installSchema: true).PrepareSchemaIfNecessary);
        Assert.Equal("HangFire", production.SchemaName);
        Assert.Equal(TimeSpan.Zero, production.QueuePollInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), production.SlidingInvisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), production.CommandBatchMaxTimeout);
        Assert.True(production.UseRecommendedIsolationLevel);
        Assert.True(production.DisableGlobalLocks);
        Assert.True(production.UseIgnoreDupKeyOption);
    }

    /// <summary>Service types that cannot be resolved outside a request, a circuit or a started server, each with why.</summary>
    private static readonly Dictionary<Type, string> Skipped = new()
    {
        [typeof(Circuit)] = "Blazor registers a scoped factory that yields the circuit only inside one, and null elsewhere.",
        [typeof(ISnackbar)] = "MudBlazor's SnackbarService reads NavigationManager.Uri in its constructor, set only by a request or a circuit.",
    };

    /// <summary>The web host as Program.cs builds it (AddPortal, Build, MapPortal), with scope and build validation on.</summary>
    private static (WebApplication App, IServiceCollection Services) BuildPortal(TempDirectory directory, string database)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = directory.Path,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:ConnectionString"] = $"Server=127.0.0.1,1;Database={database};User Id=portal;Password=not-used;Encrypt=True;TrustServerCertificate=True;Connect Timeout=1",
            ["Portal:MigrateOnStart"] = "false",
        });
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.AddPortal();
        var app = builder.Build();
        app.MapPortal();
        return (app, builder.Services);
    }

    private static (int Resolved, List<string> Failures) ResolveAll(IServiceCollection services, IServiceProvider provider)
    {
        var failures = new List<string>();
        var types = services.Where(d => !d.ServiceType.IsGenericTypeDefinition && !Skipped.ContainsKey(d.ServiceType))
            .Select(d => (d.ServiceType, Key: d.ServiceKey)).Distinct().ToList();
        foreach (var (type, key) in types)
        {
            try
            {
                var instances = key is null ? provider.GetServices(type) : provider.GetKeyedServices(type, key);
                Assert.All(instances, Assert.NotNull);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{type} (key {key}): {e.GetType().Name}: {e.Message}");
            }
        }

        return (types.Count, failures);
    }

    /// <summary>Counts SqlClient connection opens to one database, from SqlClient's DiagnosticListener events.</summary>
    private sealed class SqlConnectionOpens : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _database;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public SqlConnectionOpens(string database)
        {
            _database = database;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => Volatile.Read(ref _count);

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "SqlClientDiagnosticListener")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key.EndsWith("WriteConnectionOpenBefore", StringComparison.Ordinal)
                && value.Value?.GetType().GetProperty("Connection")?.GetValue(value.Value) is DbConnection connection
                && connection.ConnectionString.Contains(_database, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
