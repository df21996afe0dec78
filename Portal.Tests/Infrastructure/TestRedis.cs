namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>The Redis server that <c>./test.sh</c> starts (<c>JAKAMO_TEST_REDIS</c>). A test that needs it fails, never
/// skips, when it is not set.</summary>
public static class TestRedis
{
    public const string Variable = "JAKAMO_TEST_REDIS";

    /// <summary><c>127.0.0.1:&lt;port&gt;</c>, as the portal's <c>SignalR:Redis</c>.</summary>
    public static string Address =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: this test needs the Redis server that ./test.sh starts. Run ./test.sh, or start the servers with " +
                "eval \"$(scripts/test-servers.sh start)\" before dotnet test.");
}
