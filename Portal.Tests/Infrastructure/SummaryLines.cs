using Xunit.Abstractions;
using Xunit.Sdk;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// Prints a test's one-line summary (such as <c>LOAD ...</c>) to the test's own output, to standard output, and as an
/// xunit diagnostic message. Plain <c>dotnet test</c> (minimal verbosity) shows only the last: xunit.runner.json turns
/// diagnostic messages on, and the VSTest adapter reports them as warnings, which the console logger always prints.
/// </summary>
public sealed class SummaryLines(IMessageSink diagnostics)
{
    public async Task PrintAsync(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        await Console.Out.WriteLineAsync(line);
        diagnostics.OnMessage(new DiagnosticMessage(line));
    }
}
