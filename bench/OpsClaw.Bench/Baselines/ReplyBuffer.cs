using System.Buffers;

namespace OpsClaw.Bench;

/// <summary>
/// The replies of one read, sent with one write. Pooled, and returned whenever it is empty, so an
/// idle connection holds no output memory.
/// </summary>
internal sealed class ReplyBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MinimumBytes = 4096;

    private byte[]? _bytes;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _bytes is null ? ReadOnlyMemory<byte>.Empty : _bytes.AsMemory(0, Length);

    public void Append(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        Length += data.Length;
    }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _bytes.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _bytes.AsSpan(Length);
    }

    public void Clear()
    {
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }

        Length = 0;
    }

    public void Dispose() => Clear();

    private void Reserve(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (_bytes is not null && _bytes.Length >= needed)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBytes, (_bytes?.Length ?? 0) * 2)));
        if (_bytes is not null)
        {
            _bytes.AsSpan(0, Length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = grown;
    }
}
