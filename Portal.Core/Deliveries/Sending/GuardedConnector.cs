using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of outbound clients. It resolves the host itself and connects
/// only to an address the policy allows, so a DNS answer cannot swap in an internal address after a check. Special-use
/// names (<c>localhost</c>, <c>.invalid</c>, ...) are answered without asking DNS at all; see <see cref="SpecialUseNames"/>.
/// Requests stay on HTTP/1.1 over TCP (the HttpRequestMessage default); HTTP/3 would not pass through here.
/// </summary>
internal sealed class GuardedConnector(IOpenedHosts openedHosts, IHostNameResolver resolver, IOptionsMonitor<WebhookSenderOptions> options)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        var addresses = await AddressesOfAsync(host, cancellationToken);

        var allowLoopback = options.CurrentValue.AllowLoopback;
        var allowed = new List<IPAddress>(addresses.Length);
        (IPAddress Address, string Category)? firstRefused = null;
        foreach (var address in addresses)
        {
            var decision = OutboundAddressPolicy.Evaluate(address, openedHosts, allowLoopback);
            if (decision.Allowed)
            {
                allowed.Add(address);
            }
            else
            {
                firstRefused ??= (address, decision.Category!);
            }
        }

        if (allowed.Count == 0)
        {
            var (refused, category) = firstRefused!.Value;
            throw new OutboundBlockedException(host, refused, category, addresses.Length - 1);
        }

        Exception? lastFailure = null;
        foreach (var address in allowed)
        {
            var endPoint = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endPoint, cancellationToken);
                var stream = new NetworkStream(socket, ownsSocket: true);
                return context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttps ? new TlsAnswerCheck(stream) : stream;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastFailure!;
    }

    private async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var addresses = SpecialUseNames.LocalAnswer(host) ?? await resolver.ResolveAsync(host, cancellationToken);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }
}
