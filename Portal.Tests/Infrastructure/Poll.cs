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

    /// <summary>Waits for a condition the assertions after it check in detail, so a timeout here fails there, with the
    /// figures, instead of with a bare "timed out".</summary>
    public static async Task QuietlyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        try
        {
            await UntilAsync(condition, timeout);
        }
        catch (TimeoutException)
        {
            // The assertions that follow report what is missing.
        }
    }
}
