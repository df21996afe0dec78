namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>The Redis server that <c>./test.sh</c> starts (<c>JAKAMO_TEST_REDIS</c>). A test that needs it fails, never
/// skips, when it is not set.</summary>
public static class TestRedis
{
    public const string Variable = "JAKAMO_TEST_REDIS";

    public static string Server =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: this test needs the Redis server that ./test.sh starts. Run ./test.sh, or start the servers with " +
                "eval \"$(scripts/test-servers.sh start)\" before dotnet test.");

    /// <summary>Backplane settings with a channel prefix of their own, so tests sharing the server never hear each other.</summary>
    public static Dictionary<string, string?> BackplaneSettings(string prefix) => new()
    {
        ["SignalR:Redis"] = Server,
        ["SignalR:ChannelPrefix"] = prefix,
    };
}
