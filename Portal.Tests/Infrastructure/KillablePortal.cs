using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Jakamo.Portal.Bench;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// The portal as its own process, started from the build output of this test run's configuration on a given database,
/// that the test can kill with SIGKILL and start again on the same database and port. Support (the bootstrap token) and
/// the platform (an events API key) call it over HTTP only. The crash test restarts one; the cluster test runs two.
/// </summary>
internal sealed class KillablePortal : IAsyncDisposable
{
    private static readonly PortalKeys Keys = new("jkp_chaos-support-token-8d3e61b0c2a4", "chaos-platform-key-7a90");

    private readonly string _buildOutput;
    private readonly DatabaseSettings _database;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private ChildProcess? _process;

    private KillablePortal(DatabaseSettings database, IReadOnlyDictionary<string, string> settings, Uri? baseAddress)
    {
        var configuration = typeof(KillablePortal).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        _buildOutput = PortalProcess.BuildOutput(PortalProcess.RepositoryRoot(), configuration);
        _database = database;
        _settings = settings;
        BaseAddress = baseAddress ?? PortalProcess.FreeLoopbackAddress();
        Support = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Support.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys.SupportToken);
        Platform = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Platform.DefaultRequestHeaders.Add("X-Api-Key", Keys.PlatformKey);
    }

    public Uri BaseAddress { get; }

    /// <summary>Calls the management API as support.</summary>
    public HttpClient Support { get; }

    /// <summary>Calls the events API as the platform.</summary>
    public HttpClient Platform { get; }

    /// <summary>How many times the process was killed and started again.</summary>
    public int Restarts { get; private set; }

    /// <summary>The running process's id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The portal is not running.");

    /// <summary>The support token, for a live-feed client.</summary>
    public static string SupportToken => Keys.SupportToken;

    /// <summary>Whether the process runs (it was not killed, or was started again).</summary>
    public bool IsRunning => _process is not null;

    /// <summary>Starts the portal on a fresh or existing database, on <paramref name="baseAddress"/> or a free port;
    /// <paramref name="settings"/> in environment-variable form.</summary>
    public static async Task<KillablePortal> StartAsync(DatabaseSettings database, IReadOnlyDictionary<string, string> settings, Uri? baseAddress = null)
    {
        var portal = new KillablePortal(database, settings, baseAddress);
        portal._process = await PortalProcess.StartAsync(portal._buildOutput, portal.BaseAddress, database, Keys, settings);
        return portal;
    }

    /// <summary>Kills the process with SIGKILL, so nothing of it runs a shutdown step, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        var killed = _process ?? throw new InvalidOperationException("The portal is not running.");
        _process = null;
        await killed.KillAsync();
        if (!killed.HasExited)
        {
            throw new InvalidOperationException($"Portal process {killed.Id} survived SIGKILL.");
        }

        killed.Dispose();
    }

    /// <summary>Kills the process (<see cref="KillAsync"/>), then starts a new one on the same database and port and
    /// waits until it is healthy.</summary>
    public async Task KillAndRestartAsync()
    {
        await KillAsync();
        _process = await PortalProcess.StartAsync(_buildOutput, BaseAddress, _database, Keys, _settings);
        Restarts++;
    }

    /// <summary>Stops the process the way a service manager would (SIGTERM), so its database can be read alone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            await process.StopAsync(TimeSpan.FromSeconds(20));
        }
    }

    /// <summary>POSTs as support and returns the created resource; any other answer fails with its body.</summary>
    public async Task<JsonElement> CreateAsync(string path, object body)
    {
        using var response = await Support.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The last lines the running process wrote, for a failure message.</summary>
    public string Tail() => _process?.Tail() ?? "(not running)";

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        Support.Dispose();
        Platform.Dispose();
        return ValueTask.CompletedTask;
    }
}
