using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Jakamo.Portal.Bench;

/// <summary>A process the benchmark starts and always stops: its output is drained (and the tail kept for errors),
/// and it is killed with its children on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _watches = [];
    private readonly Lock _watchLock = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}: {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watchLock)
        {
            var seen = _tail.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _watches.Add((match, found));
        }

        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (done == found.Task)
        {
            return await found.Task;
        }

        throw new InvalidOperationException(done == exited
            ? $"{Name} exited with code {_process.ExitCode} before it was ready. Its last output:\n{Tail()}"
            : $"{Name} was not ready within {timeout.TotalSeconds:0} s. Its last output:\n{Tail()}");
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail() => string.Join('\n', _tail);

    /// <summary>Peak and current resident memory, from /proc (Linux), in MiB.</summary>
    public (double PeakMb, double CurrentMb) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        return (Kilobytes(status, "VmHWM:") / 1024.0, Kilobytes(status, "VmRSS:") / 1024.0);
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        // Closing stdin stops the receiver; SIGTERM lets the portal shut down the way a service manager would stop it.
        _process.StandardInput.Close();
        using var sigterm = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await sigterm.WaitForExitAsync();
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Kills the process and its children at once (SIGKILL on Linux, so no shutdown code runs) and waits
    /// until they are gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static long Kilobytes(string[] status, string key)
    {
        var line = status.First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_watchLock)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 200)
            {
                _tail.TryDequeue(out _);
            }

            foreach (var watch in _watches.Where(w => w.Match(line)).ToList())
            {
                watch.Found.TrySetResult(line);
                _watches.Remove(watch);
            }
        }
    }
}
