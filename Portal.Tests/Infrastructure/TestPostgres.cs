using System.Globalization;
using Npgsql;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database on the test server that <c>./test.sh</c> starts (<c>JAKAMO_TEST_POSTGRES</c>), named
/// jakamo_test_&lt;random&gt; and dropped on dispose. A test that needs it fails, never skips, when the server is not set.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "JAKAMO_TEST_POSTGRES";

    private readonly string _server;

    private TestPostgres(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The connection string of the new database, as the portal's <c>Database:ConnectionString</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from the environment; throws when the tests run without it.</summary>
    public static string Server =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: this test needs the PostgreSQL server that ./test.sh starts. Run ./test.sh, or start the servers with " +
                "eval \"$(scripts/test-servers.sh start)\" before dotnet test.");

    public static async Task<TestPostgres> CreateAsync()
    {
        var server = Server;
        var name = "jakamo_test_" + Guid.NewGuid().ToString("n")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        return new TestPostgres(server, name);
    }

    /// <summary>The portal's settings for this database.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Database:Provider"] = "PostgreSql",
        ["Database:ConnectionString"] = ConnectionString,
    };

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_server, string.Create(CultureInfo.InvariantCulture, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)"));
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
