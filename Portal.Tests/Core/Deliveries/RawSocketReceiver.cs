using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>
/// A receiver on 127.0.0.1 below HTTP: it reads each request whole, then does to the connection what the test says,
/// including what Kestrel never would (answer half and reset, or close without a word).
/// </summary>
internal sealed class RawSocketReceiver : IAsyncDisposable
{
    private const int MaxRequestBytes = 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, Task> _afterRequest;
    private readonly Task _accepting;
    private int _requests;

    private RawSocketReceiver(Func<Socket, Task> afterRequest)
    {
        _afterRequest = afterRequest;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Requests read in full so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public string Url(string scheme = "http") => $"{scheme}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook";

    public static RawSocketReceiver Start(Func<Socket, Task> afterRequest) => new(afterRequest);

    /// <summary>Sends the status line, the headers and <paramref name="sent"/> of <paramref name="declared"/> body bytes,
    /// then resets the connection (RST, not FIN) as a crashing receiver's operating system does.</summary>
    public static Func<Socket, Task> AnswerPartlyThenReset(int declared, int sent) => async socket =>
    {
        var head = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {declared}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + new string('a', sent)));
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    };

    /// <summary>Closes the connection in order (FIN) without sending a byte.</summary>
    public static Task CloseWithoutAnswer(Socket socket)
    {
        socket.Close();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandleAsync(socket);
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        using (socket)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                if (await ReadRequestAsync(socket, timeout.Token))
                {
                    Interlocked.Increment(ref _requests);
                    await _afterRequest(socket);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The sender gave up on the connection first; there is nothing left to misbehave on.
            }
        }
    }

    /// <summary>Reads up to the end of the headers, then as many body bytes as Content-Length says.</summary>
    private static async Task<bool> ReadRequestAsync(Socket socket, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        while (received.Count < MaxRequestBytes)
        {
            var read = await socket.ReceiveAsync(buffer, ct);
            if (read == 0)
            {
                return false;
            }

            received.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.ASCII.GetString([.. received]);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd >= 0 && received.Count >= headerEnd + 4 + ContentLength(text[..headerEnd]))
            {
                return true;
            }
        }

        return false;
    }

    private static int ContentLength(string head) =>
        head.Split("\r\n").Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(parts => int.Parse(parts[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
}

/// <summary>A 200 answer with a long body, streamed until it is all sent or the sender hangs up. Counts the bytes the
/// operating system accepted, so what actually left the receiver is known.</summary>
internal sealed class StreamedBody(long size)
{
    private long _sent;

    public long Size => size;

    /// <summary>Body bytes handed to the network so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Completes when the sender dropped the connection before the body ended.</summary>
    public TaskCompletionSource HungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task SendAsync(Socket socket)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {size}\r\n\r\n"));
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        try
        {
            while (Sent < size)
            {
                Interlocked.Add(ref _sent, await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - Sent))));
            }
        }
        catch (SocketException)
        {
            HungUp.TrySetResult();
        }
    }
}
