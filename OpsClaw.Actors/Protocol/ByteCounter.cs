using System.Buffers;

namespace OpsClaw.Actors.Protocol;

/// <summary>A buffer writer that counts what is written to it and keeps none of it: measures a line without holding it.</summary>
internal sealed class ByteCounter : IBufferWriter<byte>
{
    private byte[] _scratch = new byte[256];

    public long Count { get; private set; }

    public void Reset() => Count = 0;

    public void Advance(int count) => Count += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

    private byte[] Scratch(int sizeHint)
    {
        if (_scratch.Length < sizeHint)
        {
            _scratch = new byte[Math.Max(sizeHint, _scratch.Length * 2)];
        }

        return _scratch;
    }
}
