using Jakamo.Portal.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Core.Data;

public sealed class DatabaseProviderTests
{
    [Theory]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("sqlserver", DatabaseProvider.SqlServer)]
    [InlineData("PostgreSql", DatabaseProvider.PostgreSql)]
    public void Provider_IsChosenFromConfiguration(string value, DatabaseProvider expected) =>
        Assert.Equal(expected, DatabaseSetup.ParseProvider(value));

    [Theory]
    [InlineData("Oracle")]
    [InlineData("")]
    [InlineData("7")]
    public void UnknownProvider_FailsFast_WithTheAllowedValues(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseSetup.ParseProvider(value));
        Assert.Contains("Sqlite, SqlServer, PostgreSql", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SqlServer")]
    [InlineData("PostgreSql")]
    public void ServerProvider_WithoutAConnectionString_FailsFast(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = provider }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPortalDatabase(configuration, Path.GetTempPath()));
        Assert.Contains("Database:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeSqlitePath_IsResolvedUnderTheContentRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "jakamo-tests", Guid.NewGuid().ToString("n"));
        var resolved = DatabaseSetup.ResolveSqlitePath("Data Source=data/portal.db", root);
        Assert.Contains(Path.Combine(root, "data", "portal.db"), resolved, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(root, "data")));
        Directory.Delete(root, recursive: true);
    }
}
