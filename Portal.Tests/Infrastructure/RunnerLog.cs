using Xunit.Abstractions;
using Xunit.Sdk;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// Writes a line into the <c>dotnet test</c> console output at every verbosity, for summary lines CI must show. xunit
/// keeps a passing test's <see cref="ITestOutputHelper"/> output and its console writes out of the default (minimal)
/// output; a diagnostic message, enabled in xunit.runner.json, is shown there as
/// <c>[xUnit.net 00:00:12.34] Jakamo.Portal.Tests: &lt;line&gt;</c>.
/// </summary>
public sealed class RunnerLog(IMessageSink sink)
{
    public void WriteLine(string line) => sink.OnMessage(new DiagnosticMessage(line));
}
