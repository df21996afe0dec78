using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Jakamo.Portal.Bench;

/// <summary>Who may call a portal started by <see cref="PortalProcess"/>: support through the bootstrap token, the
/// platform through an events API key.</summary>
internal sealed record PortalKeys(string SupportToken, string PlatformKey);

/// <summary>The database a portal started by <see cref="PortalProcess"/> uses: its <c>Database:Provider</c> and
/// <c>Database:ConnectionString</c>.</summary>
internal sealed record DatabaseSettings(string Provider, string ConnectionString)
{
    public static DatabaseSettings Sqlite(string path) => new("Sqlite", $"Data Source={path}");
}

/// <summary>
/// The portal as its own process, run from its build output (<c>dotnet Jakamo.Portal.dll</c>) with settings given as
/// environment variables, on a given database, plain HTTP on 127.0.0.1 and loopback deliveries allowed. Used by the
/// benchmark and, linked into Portal.Tests, by the crash and cluster tests.
/// </summary>
internal static class PortalProcess
{
    /// <summary>The folder holding Jakamo.Portal.sln, searched upwards from this program's own folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Jakamo.Portal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Jakamo.Portal.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The portal's build output for a configuration; fails with the way to build it when it is missing.</summary>
    public static string BuildOutput(string repositoryRoot, string configuration)
    {
        var output = Path.Combine(repositoryRoot, "Portal", "bin", configuration, "net10.0");
        if (!File.Exists(Path.Combine(output, "Jakamo.Portal.dll")))
        {
            throw new InvalidOperationException($"{output}/Jakamo.Portal.dll is missing. Build it first: dotnet build -c {configuration} Portal");
        }

        return output;
    }

    /// <summary>An address on 127.0.0.1 with a port nobody listens on now.</summary>
    public static Uri FreeLoopbackAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Starts the portal in the Production environment and returns once <c>/healthz</c> answers; on failure the
    /// process is stopped and the error carries its last output. <paramref name="settings"/> adds or overrides settings,
    /// in environment-variable form (<c>Portal__Delivery__BatchSize</c>).</summary>
    public static async Task<ChildProcess> StartAsync(
        string buildOutput, Uri baseAddress, DatabaseSettings database, PortalKeys keys, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["Database__Provider"] = database.Provider,
            ["Database__ConnectionString"] = database.ConnectionString,
            ["Portal__Demo__Enabled"] = "false",
            ["Portal__Bootstrap__SupportToken"] = keys.SupportToken,
            ["Portal__Events__ApiKeys__0"] = keys.PlatformKey,
            ["Portal__Webhooks__AllowHttp"] = "true",
            ["Portal__Delivery__AllowLoopback"] = "true",
            ["Portal__Delivery__PublicBaseUrl"] = baseAddress.ToString(),
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = ChildProcess.Start("portal", "dotnet", [Path.Combine(buildOutput, "Jakamo.Portal.dll")], buildOutput, environment);
        try
        {
            await WaitUntilHealthyAsync(process, baseAddress, TimeSpan.FromSeconds(60));
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static async Task WaitUntilHealthyAsync(ChildProcess process, Uri baseAddress, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited while starting. Its last output:\n{process.Tail()}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                // Not listening yet, or too busy starting to answer.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The portal was not healthy within {timeout.TotalSeconds:0} s. Its last output:\n{process.Tail()}");
    }
}
