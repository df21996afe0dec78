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
        private BodyProgress? _body;

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
            Failed(timedOut, timedOut);
        }

        public void Failed(Exception exception) =>
            Failed(TransportFailures.Describe(exception), _body is null ? "" : TransportFailures.DescribeWhileReadingBody(exception));

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

        /// <summary>Keeps the first <see cref="WebhookSenderOptions.MaxStoredResponseBytes"/> and only counts the rest up to
        /// <see cref="MaxReadBytes"/>, so memory stays bounded whatever the receiver sends.</summary>
        public async Task ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var body = _body = new BodyProgress(response.Content.Headers.ContentLength, Math.Max(0, Settings.MaxStoredResponseBytes));
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    var room = (int)Math.Min(buffer.Length, MaxReadBytes - body.Read);
                    if (room == 0)
                    {
                        // At the limit, only look whether more is coming; the rest is left unread and the connection dropped.
                        Finish(stopped: await stream.ReadAsync(buffer.AsMemory(0, 1), ct) > 0);
                        return;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(0, room), ct);
                    if (read == 0)
                    {
                        Finish();
                        return;
                    }

                    body.Add(buffer.AsSpan(0, read));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
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

        private void Failed(string reason, string reasonWhileReadingBody)
        {
            if (FetchingToken)
            {
                Note("OAuth2 token request failed: " + reason);
            }
            else if (_body is { } body)
            {
                Finish(failure: body.Incomplete(reasonWhileReadingBody));
            }
            else
            {
                Note(reason);
            }
        }

        /// <summary>Stores what arrived of the body, with notes on how much that was and how it decoded.</summary>
        private void Finish(bool stopped = false, string? failure = null)
        {
            var body = _body!;
            _body = null;
            _truncated = body.Read > body.Limit;
            var (text, validUtf8) = ResponseText.Decode(body.Stored.WrittenSpan, cutOff: _truncated || failure is not null);
            _responseBody = Redactor.Redact(text);
            _responseBodySize = stopped && body.Declared > body.Read ? body.Declared : body.Read;
            var of = body.Declared > body.Read ? string.Create(CultureInfo.InvariantCulture, $" of {body.Declared:N0}") : "";
            if (failure is not null)
            {
                Note(failure);
            }
            else if (stopped)
            {
                Note(string.Create(CultureInfo.InvariantCulture, $"response body cut to {Size(body.Limit)}; reading stopped after {body.Read:N0} bytes{of}"));
            }
            else if (_truncated)
            {
                Note(string.Create(CultureInfo.InvariantCulture, $"response body cut to {Size(body.Limit)} ({body.Read:N0} bytes in total)"));
            }

            if (!validUtf8)
            {
                Note(ResponseText.InvalidUtf8Note);
            }
        }

        private static string Size(int bytes) => bytes % 1024 == 0 && bytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");

        /// <summary>A response body while it is being read: what arrived, and the part of it that is kept.</summary>
        private sealed class BodyProgress(long? declared, int limit)
        {
            public long? Declared { get; } = declared;

            public int Limit { get; } = limit;

            public long Read { get; private set; }

            public ArrayBufferWriter<byte> Stored { get; } = new(Math.Clamp(limit, 1, 16 * 1024));

            public void Add(ReadOnlySpan<byte> chunk)
            {
                Stored.Write(chunk[..(int)Math.Clamp(Limit - Read, 0, chunk.Length)]);
                Read += chunk.Length;
            }

            public string Incomplete(string reason)
            {
                var of = Declared is { } length ? string.Create(CultureInfo.InvariantCulture, $" of {length:N0}") : "";
                return string.Create(CultureInfo.InvariantCulture, $"response body incomplete ({Read:N0}{of} bytes read): {reason}");
            }
        }
    }
}
