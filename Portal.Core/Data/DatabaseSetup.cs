using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Jakamo.Portal.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public string? ConnectionString { get; set; }
}

/// <summary>The one place that chooses the database provider.</summary>
public static class DatabaseSetup
{
    public const string DefaultSqliteConnectionString = "Data Source=data/portal.db";

    public static DatabaseProvider ParseProvider(string? value) =>
        Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException(
                $"Database:Provider '{value}' is not supported. Use one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");

    /// <summary>The provider named by <c>Database:Provider</c> (SQLite when unset).</summary>
    public static DatabaseProvider ConfiguredProvider(IConfiguration configuration) =>
        ParseProvider(configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()?.Provider ?? nameof(DatabaseProvider.Sqlite));

    /// <summary>Registers <see cref="PortalDbContext"/> (scoped) and <see cref="IDbContextFactory{PortalDbContext}"/>
    /// for the configured provider. Relative SQLite paths are resolved against <paramref name="contentRoot"/>.</summary>
    public static DatabaseProvider AddPortalDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = ConfiguredProvider(configuration);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = ResolveSqlitePath(options.ConnectionString ?? DefaultSqliteConnectionString, contentRoot);
                services.TryAddSingleton(TimeProvider.System);
                services.AddSingleton<SqliteWriteGate>();
                services.AddPortalContext<SqlitePortalDbContext>((sp, b) => b.UseSqlite(sqlite, ConfigureSqlite)
                    .AddInterceptors(sp.GetRequiredService<SqliteWriteGate>()));
                services.AddSingleton<IDatabaseMigrator, SqliteMigrator>();
                break;
            case DatabaseProvider.SqlServer:
                var sqlServer = RequiredConnectionString(options, provider);
                services.AddPortalContext<SqlServerPortalDbContext>((_, b) => b.UseSqlServer(sqlServer, ConfigureSqlServer));
                services.AddSingleton<IDatabaseMigrator, SqlServerMigrator>();
                break;
            case DatabaseProvider.PostgreSql:
                var postgres = RequiredConnectionString(options, provider);
                services.AddPortalContext<PostgreSqlPortalDbContext>((_, b) => b.UseNpgsql(postgres, ConfigurePostgreSql));
                services.AddSingleton<IDatabaseMigrator>(new PostgreSqlMigrator(postgres));
                break;
        }

        return provider;
    }

    internal static void ConfigureSqlite(SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName)
            .MigrationsHistoryTable("__EFMigrationsHistory");

    internal static void ConfigureSqlServer(SqlServerDbContextOptionsBuilder sqlServer) =>
        sqlServer.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName)
            .EnableRetryOnFailure();

    internal static void ConfigurePostgreSql(NpgsqlDbContextOptionsBuilder postgres) =>
        postgres.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName)
            .EnableRetryOnFailure();

    /// <summary>The connection string of a server provider, which has no default.</summary>
    public static string RequiredConnectionString(IConfiguration configuration) =>
        RequiredConnectionString(configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions(), ConfiguredProvider(configuration));

    private static string RequiredConnectionString(DatabaseOptions options, DatabaseProvider provider) =>
        options.ConnectionString is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Database:ConnectionString is required when Database:Provider is {provider}.");

    /// <summary>Makes a relative SQLite file path absolute under the content root and creates its folder.</summary>
    public static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !string.IsNullOrEmpty(builder.DataSource))
        {
            var path = Path.IsPathRooted(builder.DataSource) ? builder.DataSource : Path.Combine(contentRoot, builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            builder.DataSource = Path.GetFullPath(path);
        }

        return builder.ToString();
    }

    private static void AddPortalContext<TContext>(this IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TContext : PortalDbContext
    {
        services.AddDbContextFactory<TContext>(configure);
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalContextFactory<TContext>>();
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    private sealed class PortalContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
