using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>Makes one webhook exchange through the guarded "webhooks" client and describes it for the transport log.</summary>
internal sealed class WebhookSender(
    IHttpClientFactory clients,
    OAuthTokenCache tokens,
    IOptionsMonitor<WebhookSenderOptions> options,
    TimeProvider time) : IWebhookSender
{
    public const string ClientName = "webhooks";

    /// <summary>Past this the rest of a response body is not even read: a receiver must not keep a sender busy forever.</summary>
    public const long MaxReadBytes = 16 * 1024 * 1024;

    public static readonly string UserAgent = "Jakamo-Webhook/" + ProductVersion();

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var exchange = new Exchange(message, options.CurrentValue, time);
        using var timeout = new CancellationTokenSource(exchange.Settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await ExchangeAsync(exchange, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            exchange.TimedOut();
        }
        catch (Exception ex)
        {
            exchange.Failed(ex);
        }

        return exchange.ToResult();
    }

    private async Task ExchangeAsync(Exchange exchange, CancellationToken ct)
    {
        var message = exchange.Message;
        if (!Uri.TryCreate(message.PayloadUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            exchange.Note("the payload URL is not a valid http or https URL; nothing was sent");
            return;
        }

        var body = Encoding.UTF8.GetBytes(message.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };

        // Set raw, so HttpClient neither appends a charset nor rejects a content type it cannot parse.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", message.ContentType);
        exchange.Log("Content-Type", message.ContentType);
        exchange.Add(request, "X-Jakamo-Event", message.EventType);
        exchange.Add(request, "X-Jakamo-Event-Id", message.EventId.ToString(CultureInfo.InvariantCulture));
        exchange.Add(request, "X-Jakamo-Delivery-Id", message.DeliveryId.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(message.AcknowledgeUri))
        {
            exchange.Add(request, "X-Acknowledge-Uri", message.AcknowledgeUri);
        }

        exchange.Add(request, "User-Agent", UserAgent);
        if (!await AuthenticateAsync(exchange, request, ct) || !Sign(exchange, request, body))
        {
            return;
        }

        using var client = clients.CreateClient(ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        exchange.Received(response);
        if (response.StatusCode == HttpStatusCode.Unauthorized && exchange.BearerToken is { } used)
        {
            tokens.Forget(message.Credentials.WebhookId, used);
            exchange.Note("OAuth2 token discarded after 401; the next attempt fetches a new one");
        }

        await exchange.ReadBodyAsync(response, ct);
    }

    private async Task<bool> AuthenticateAsync(Exchange exchange, HttpRequestMessage request, CancellationToken ct)
    {
        var credentials = exchange.Message.Credentials;
        switch (credentials.Method)
        {
            case WebhookAuthMethod.OAuth2ClientCredentials:
                exchange.FetchingToken = true;
                var outcome = await tokens.GetAsync(credentials, ct);
                exchange.FetchingToken = false;
                if (outcome.AccessToken is not { } token)
                {
                    exchange.Note(outcome.Error ?? "OAuth2 token request failed");
                    return false;
                }

                exchange.BearerToken = token;
                exchange.Redactor.Add(token);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                exchange.Log("Authorization", "Bearer " + SecretRedactor.Mask);
                return true;
            case WebhookAuthMethod.Basic:
                var pair = Encoding.UTF8.GetBytes($"{credentials.UserName}:{credentials.Password}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
                exchange.Log("Authorization", "Basic " + SecretRedactor.Mask);
                return true;
            case WebhookAuthMethod.ApiKeyHeader:
                if (string.IsNullOrWhiteSpace(credentials.HeaderName)
                    || !request.Headers.TryAddWithoutValidation(credentials.HeaderName, credentials.HeaderValue ?? ""))
                {
                    exchange.Note($"the API-key header name '{credentials.HeaderName}' cannot be used; nothing was sent");
                    return false;
                }

                exchange.Log(credentials.HeaderName, SecretRedactor.Mask);
                return true;
            default:
                return true;
        }
    }

    private bool Sign(Exchange exchange, HttpRequestMessage request, byte[] body)
    {
        if (string.IsNullOrEmpty(exchange.Message.SigningSecret))
        {
            return true;
        }

        if (WebhookSignature.KeyOf(exchange.Message.SigningSecret) is not { } key)
        {
            exchange.Note("the signing secret is not a valid whsec_ secret; nothing was sent");
            return false;
        }

        // Tied to the event, not the attempt, so receivers can drop a retried or resent duplicate.
        var id = MessageIdOf(exchange.Message);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        exchange.Add(request, "webhook-id", id);
        exchange.Add(request, "webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        exchange.Add(request, "webhook-signature", WebhookSignature.Sign(key, id, timestamp, body));
        return true;
    }

    /// <summary>The Standard Webhooks <c>webhook-id</c> of a message: the same for every attempt of one event.</summary>
    public static string MessageIdOf(OutboundMessage message) =>
        string.Create(CultureInfo.InvariantCulture, $"msg_{message.EventId}");

    private static string ProductVersion()
    {
        var version = typeof(WebhookSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(WebhookSender).Assembly.GetName().Version?.ToString(3)
            ?? "1.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    /// <summary>What one exchange has done so far; becomes the <see cref="SendResult"/>.</summary>
    private sealed class Exchange
    {
        private readonly TimeProvider _time;
        private readonly DateTime _startedAt;
        private readonly long _started;
        private readonly List<LoggedHeader> _requestHeaders = [];
        private readonly List<LoggedHeader> _responseHeaders = [];
        private readonly List<string> _messages = [];
        private int? _status;
        private TimeSpan? _retryAfter;
        private string? _responseBody;
        private long? _responseBodySize;
        private bool _truncated;

        public Exchange(OutboundMessage message, WebhookSenderOptions settings, TimeProvider time)
        {
            Message = message;
            Settings = settings;
            Redactor = new SecretRedactor(message.Credentials, message.SigningSecret);
            _time = time;
            _startedAt = time.GetUtcNow().UtcDateTime;
            _started = time.GetTimestamp();
        }

        public OutboundMessage Message { get; }

        public WebhookSenderOptions Settings { get; }

        public SecretRedactor Redactor { get; }

        public bool FetchingToken { get; set; }

        public string? BearerToken { get; set; }

        private bool ReadingBody { get; set; }

        public void Add(HttpRequestMessage request, string name, string value)
        {
            request.Headers.TryAddWithoutValidation(name, value);
            Log(name, value);
        }

        public void Log(string name, string value) => _requestHeaders.Add(new LoggedHeader(name, value));

        public void Note(string text) => _messages.Add(Redactor.Redact(text));

        public void TimedOut()
        {
            var timedOut = TransportFailures.TimedOut(Settings.Timeout);
            Note(FetchingToken ? "OAuth2 token request failed: " + timedOut
                : ReadingBody ? "response body not read completely: " + timedOut
                : timedOut);
        }

        public void Failed(Exception exception)
        {
            var reason = TransportFailures.Describe(exception);
            Note(FetchingToken ? "OAuth2 token request failed: " + reason
                : ReadingBody ? "response body not read completely: " + reason
                : reason);
        }

        public void Received(HttpResponseMessage response)
        {
            _status = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.NonValidated)
            {
                _responseHeaders.Add(new LoggedHeader(name, Redactor.Redact(string.Join(", ", values))));
            }

            foreach (var (name, values) in response.Content.Headers.NonValidated)
            {
                _responseHeaders.Add(new LoggedHeader(name, Redactor.Redact(string.Join(", ", values))));
            }

            _retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
                { Date: { } date } => date > _time.GetUtcNow() ? date - _time.GetUtcNow() : TimeSpan.Zero,
                _ => null,
            };

            if (_status is >= 300 and < 400)
            {
                var location = response.Headers.NonValidated.TryGetValues("Location", out var target) ? target.ToString() : null;
                Note(string.IsNullOrEmpty(location)
                    ? "redirect not followed"
                    : $"redirect to {TransportFailures.Sanitize(location)} not followed");
            }
        }

        /// <summary>Keeps the first <see cref="WebhookSenderOptions.MaxStoredResponseBytes"/> and only counts the rest, so memory stays bounded.</summary>
        public async Task ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            ReadingBody = true;
            var limit = Math.Max(0, Settings.MaxStoredResponseBytes);
            using var stored = new MemoryStream();
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            long total = 0;
            var stopped = false;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                int read;
                while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    var keep = (int)Math.Clamp(limit - total, 0, read);
                    stored.Write(buffer, 0, keep);
                    total += read;
                    if (total > MaxReadBytes)
                    {
                        stopped = true;
                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _responseBody = Redactor.Redact(Encoding.UTF8.GetString(stored.GetBuffer(), 0, (int)stored.Length));
                _truncated = total > limit;
                var declared = response.Content.Headers.ContentLength;
                _responseBodySize = stopped && declared > total ? declared : total;
                if (stopped)
                {
                    var of = declared > total ? string.Create(CultureInfo.InvariantCulture, $" of {declared:N0}") : "";
                    Note(string.Create(CultureInfo.InvariantCulture, $"response body cut to {Size(limit)}; reading stopped after {total:N0} bytes{of}"));
                }
                else if (_truncated)
                {
                    Note(string.Create(CultureInfo.InvariantCulture, $"response body cut to {Size(limit)} ({total:N0} bytes in total)"));
                }
            }

            ReadingBody = false;
        }

        public SendResult ToResult() => new()
        {
            StartedAt = _startedAt,
            Duration = _time.GetElapsedTime(_started),
            Method = HttpMethod.Post.Method,
            Url = Message.PayloadUrl,
            RequestHeaders = _requestHeaders,
            RequestBody = Message.Body,
            StatusCode = _status,
            ResponseHeaders = _responseHeaders,
            ResponseBody = _responseBody,
            ResponseBodySize = _responseBodySize,
            ResponseBodyTruncated = _truncated,
            RetryAfter = _retryAfter,
            Messages = _messages,
        };

        private static string Size(int bytes) => bytes % 1024 == 0 && bytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
    }
}
