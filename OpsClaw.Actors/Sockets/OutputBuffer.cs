using System.Buffers;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Reply bytes waiting for one socket write; replies are encoded straight into it. Replies that
/// become ready together go out in a single send. The array is let go as soon as the buffer is
/// empty, so an idle connection holds none, and a large one is never pooled (see <see cref="ByteBuffers"/>).
/// </summary>
internal sealed class OutputBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[]? _bytes;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _bytes is null ? ReadOnlyMemory<byte>.Empty : _bytes.AsMemory(0, Length);

    public void Append(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        Advance(data.Length);
    }

    /// <summary>Makes room for <paramref name="bytes"/> more in one step, when a line's size is known before it is written.</summary>
    public void Reserve(int bytes) => Grow(bytes, exact: true);

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(Math.Max(sizeHint, 1), exact: false);
        return _bytes.AsSpan(Length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(Math.Max(sizeHint, 1), exact: false);
        return _bytes.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Clear()
    {
        if (_bytes is not null)
        {
            ByteBuffers.Return(_bytes);
            _bytes = null;
        }

        Length = 0;
    }

    public void Dispose() => Clear();

    private void Grow(int bytes, bool exact)
    {
        var needed = checked(Length + bytes);
        if (_bytes is not null && _bytes.Length >= needed)
        {
            return;
        }

        var size = exact ? needed : Math.Max(needed, Math.Max(4096, (_bytes?.Length ?? 0) * 2));
        var grown = ByteBuffers.Rent(size);
        if (_bytes is not null)
        {
            _bytes.AsSpan(0, Length).CopyTo(grown);
            ByteBuffers.Return(_bytes);
        }

        _bytes = grown;
    }
}
