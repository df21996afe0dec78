using Hangfire.Logging;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// Hangfire's log provider is process-wide, and a portal host of an earlier test sets it to its own logger factory, which
/// is disposed with that host. Code that uses Hangfire outside a host (storage created directly by a test) would log
/// through the disposed factory, and Hangfire.PostgreSql's schema installer treats that failure as a failed install.
/// A test that uses Hangfire without a host installs this silent provider first. (In the portal there is one host per
/// process, so its provider is always the live one.)
/// </summary>
public sealed class SilentHangfireLog : ILogProvider, ILog
{
    public static void Install() => LogProvider.SetCurrentLogProvider(new SilentHangfireLog());

    public ILog GetLogger(string name) => this;

    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}
