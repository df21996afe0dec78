using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>Turns a failed exchange into the short message the transport log shows.</summary>
internal static class TransportFailures
{
    private const int MaxMessageLength = 300;

    public static string TimedOut(TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalSeconds:0.###} s");

    public static string Describe(Exception exception)
    {
        if (Find<OutboundBlockedException>(exception) is { } blocked)
        {
            return blocked.Message;
        }

        if (Find<PlainHttpAnswerException>(exception) is { } plain)
        {
            return "TLS handshake failed: " + plain.Message;
        }

        if (Find<AuthenticationException>(exception) is { } tls)
        {
            return "TLS handshake failed: " + Sanitize(tls.Message);
        }

        if (Find<HttpRequestException>(exception) is { HttpRequestError: HttpRequestError.SecureConnectionError } && Find<IOException>(exception) is not null)
        {
            return "TLS handshake failed: the receiver closed the connection during the handshake";
        }

        if (Find<SocketException>(exception) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return "connection refused";
                case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                    return "host name could not be resolved";
                case SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected:
                    return "connection closed before a response";
                case SocketError.TimedOut:
                    return "connection attempt timed out";
                case SocketError.NetworkUnreachable or SocketError.NetworkDown:
                    return "network unreachable";
                case SocketError.HostUnreachable or SocketError.HostDown:
                    return "host unreachable";
            }
        }

        if (Find<HttpRequestException>(exception) is { } http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return "host name could not be resolved";
                case HttpRequestError.SecureConnectionError:
                    return "TLS handshake failed: " + Sanitize(Innermost(http).Message);
                case HttpRequestError.ResponseEnded:
                    return "connection closed before a response";
                case HttpRequestError.InvalidResponse:
                    return "invalid HTTP response: " + Sanitize(Innermost(http).Message);
            }
        }

        if (Find<IOException>(exception) is not null)
        {
            return "connection closed before a response";
        }

        return Sanitize(Innermost(exception).Message);
    }

    /// <summary>Why a response body stopped arriving, once the status and headers were in.</summary>
    public static string DescribeWhileReadingBody(Exception exception) =>
        Find<SocketException>(exception)?.SocketErrorCode == SocketError.ConnectionReset ? "connection reset by the receiver"
        : Find<IOException>(exception) is not null ? "connection closed by the receiver"
        : Describe(exception);

    /// <summary>One line, bounded: exception messages can be long and multi-line.</summary>
    public static string Sanitize(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxMessageLength ? line : line[..MaxMessageLength] + "…";
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }
}
