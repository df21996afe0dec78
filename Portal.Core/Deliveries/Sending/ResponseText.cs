using System.Buffers;
using System.Text.Unicode;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>A stored response body as text. Receivers are asked for UTF-8; what is not UTF-8 is shown as U+FFFD and noted.</summary>
internal static class ResponseText
{
    public const string InvalidUtf8Note = "response body is not valid UTF-8; bytes that could not be decoded are shown as \uFFFD";

    /// <summary>The text, and whether the bytes were valid UTF-8. When the body was cut off, a character split by the cut
    /// is left out rather than counted as invalid: the receiver did not send it broken.</summary>
    public static (string Text, bool ValidUtf8) Decode(ReadOnlySpan<byte> bytes, bool cutOff)
    {
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: !cutOff);
            return (new string(chars, 0, written), Utf8.IsValid(bytes[..read]));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
