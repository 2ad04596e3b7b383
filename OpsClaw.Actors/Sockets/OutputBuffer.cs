using System.Buffers;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Reply bytes waiting for one socket write. Replies that become ready together go out in a single
/// send. The array is pooled and returned as soon as the buffer is empty, so an idle connection
/// holds none.
/// </summary>
internal sealed class OutputBuffer : IDisposable
{
    private byte[]? _bytes;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _bytes is null ? ReadOnlyMemory<byte>.Empty : _bytes.AsMemory(0, Length);

    public void Append(ReadOnlySpan<byte> data)
    {
        var needed = Length + data.Length;
        if (_bytes is null || _bytes.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_bytes?.Length ?? 0) * 2)));
            _bytes?.AsSpan(0, Length).CopyTo(grown);
            Return();
            _bytes = grown;
        }

        data.CopyTo(_bytes.AsSpan(Length));
        Length = needed;
    }

    public void Clear()
    {
        Return();
        Length = 0;
    }

    public void Dispose() => Clear();

    private void Return()
    {
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }
    }
}
