namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>
/// The connection under an https request. The first bytes a TLS server sends are a TLS record; a receiver that answers
/// the TLS hello with "HTTP/" serves plain HTTP on that port. Saying so beats the TLS layer's "corrupted frame".
/// </summary>
internal sealed class TlsAnswerCheck(Stream inner) : Stream
{
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Check(buffer[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check(ReadOnlySpan<byte> first)
    {
        if (_checked || first.IsEmpty)
        {
            return;
        }

        _checked = true;
        var plainHttp = "HTTP/"u8;
        if (plainHttp.StartsWith(first[..Math.Min(first.Length, plainHttp.Length)]))
        {
            throw new PlainHttpAnswerException();
        }
    }
}

/// <summary>An https request reached a receiver that answered in plain HTTP.</summary>
public sealed class PlainHttpAnswerException : IOException
{
    public PlainHttpAnswerException()
        : base("the receiver answered in plain HTTP, not TLS; use an http:// URL or the receiver's HTTPS port")
    {
    }

    public PlainHttpAnswerException(string message)
        : base(message)
    {
    }

    public PlainHttpAnswerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
