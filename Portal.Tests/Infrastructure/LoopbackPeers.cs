using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>
/// Tells which of a few local processes sent a request to a receiver on 127.0.0.1, from what the kernel knows rather
/// than from anything the sender writes into the request: the socket table (<c>/proc/net/tcp</c>, <c>tcp6</c>) gives the
/// inode of the sender's end of the connection, and <c>/proc/&lt;pid&gt;/fd</c> shows which process holds that socket.
/// Linux only; resolved once per connection.
/// </summary>
public sealed class LoopbackPeers(IReadOnlyDictionary<int, string> namesByProcessId)
{
    public const string Unknown = "unknown";

    private readonly ConcurrentDictionary<string, string> _byConnection = new();

    /// <summary>The name of the process that holds the other end of the request's connection, or <see cref="Unknown"/>.</summary>
    public string NameOf(HttpContext context) =>
        _byConnection.GetOrAdd(context.Connection.Id, _ => Resolve(context.Connection.RemotePort, context.Connection.LocalPort));

    private string Resolve(int senderPort, int receiverPort)
    {
        if (SocketInode(senderPort, receiverPort) is not { } inode)
        {
            return Unknown;
        }

        var socket = $"socket:[{inode}]";
        foreach (var (processId, name) in namesByProcessId)
        {
            try
            {
                if (new DirectoryInfo($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd").EnumerateFileSystemInfos().Any(fd => fd.LinkTarget == socket))
                {
                    return name;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process is gone (killed): it cannot hold the socket.
            }
        }

        return Unknown;
    }

    /// <summary>The inode of the live socket whose local port is <paramref name="localPort"/> and remote port
    /// <paramref name="remotePort"/>.</summary>
    private static string? SocketInode(int localPort, int remotePort)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[9] != "0" && Port(fields[1]) == localPort && Port(fields[2]) == remotePort)
                {
                    return fields[9];
                }
            }
        }

        return null;
    }

    private static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
