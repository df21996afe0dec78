using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>The real portal on a real Kestrel port (127.0.0.1), over a fresh SQLite file, with its log captured.</summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string SupportToken = "jkp_test-bootstrap-support-token-0123456789";

    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string?> _settings;

    public PortalAppFactory(bool demo = false, Dictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={_directory.File("portal.db")}",
            ["Portal:Demo:Enabled"] = demo ? "true" : "false",
            ["Portal:Bootstrap:SupportToken"] = SupportToken,
            ["Portal:Webhooks:AllowHttp"] = "false",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }

        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Every log line the app wrote, for checking that no secret reaches the log.</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();

    public string DatabasePath => _directory.File("portal.db");

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            return new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    /// <summary>A client for the real Kestrel port that does not follow redirects.</summary>
    public HttpClient NewClient(string? bearerToken = null)
    {
        var handler = new ServerErrorsHandler(LogLines) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false } };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves static web assets from the build output, which a real browser needs.
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new CapturingLoggerProvider(LogLines));
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }

    /// <summary>When the app answers 5xx, appends the errors it logged to the answer, so a failed assertion shows the cause.</summary>
    private sealed class ServerErrorsHandler(ConcurrentQueue<string> lines) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500)
            {
                return response;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var errors = lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).TakeLast(3);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            response.Content = new StringContent($"{body}\n--- server errors ---\n{string.Join("\n", errors)}", System.Text.Encoding.UTF8, mediaType ?? "text/plain");
            return response;
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
