namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>Waits for a condition by polling with a timeout, never by a fixed sleep.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting: {because ?? "condition"}");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
