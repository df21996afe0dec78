using Hangfire.SqlServer;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Demo;

namespace Jakamo.Portal.Jobs;

/// <summary>Hangfire's SQL Server storage, set up so that creating it never opens a connection unless it must install the
/// schema (see docs/deploy-sqlserver.md).</summary>
public static class SqlServerJobStorage
{
    public const string SchemaName = "HangFire";

    public static SqlServerStorage Create(IConfiguration configuration) =>
        new(DatabaseSetup.RequiredConnectionString(configuration), Options(
            configuration.GetValue($"{PortalStartupOptions.SectionName}:{nameof(PortalStartupOptions.MigrateOnStart)}", true)));

    /// <summary>The Hangfire 1.8 recommended options, set outright. Hangfire would otherwise connect in its constructor twice:
    /// to install its schema, and to detect the schema version that turns on the options below.</summary>
    /// <param name="installSchema">Install or upgrade the <c>HangFire</c> schema when the storage is created (the
    /// <c>Portal:MigrateOnStart</c> setting); without it the schema comes from Hangfire's install.sql.</param>
    public static SqlServerStorageOptions Options(bool installSchema) => new()
    {
        PrepareSchemaIfNecessary = installSchema,
        TryAutoDetectSchemaDependentOptions = false,
        SchemaName = SchemaName,
        // The 1.8 defaults, stated so the deployment guide and this code cannot drift apart.
        CommandBatchMaxTimeout = TimeSpan.FromMinutes(5),
        SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
        QueuePollInterval = TimeSpan.Zero,
        UseRecommendedIsolationLevel = true,
        // What schema detection would turn on for the schema version 9 that install.sql and the installer create.
        DisableGlobalLocks = true,
        UseIgnoreDupKeyOption = true,
        DeleteExpiredBatchSize = 10_000,
    };
}
