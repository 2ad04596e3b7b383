using System.Buffers;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Arrays for line, receive and reply buffers: small ones from the shared pool, large ones allocated
/// and left to the GC. The shared pool keeps every array given back to it (several per size, per
/// core) for as long as it likes, so pooling megabyte buffers would pin a burst's worth of them long
/// after the clients that needed them have gone.
/// </summary>
internal static class ByteBuffers
{
    /// <summary>The largest array that goes through the shared pool; a full bucket of these per core is cheap to keep.</summary>
    public const int PooledMaxBytes = 64 * 1024;

    public static byte[] Rent(int minimumLength) =>
        minimumLength <= PooledMaxBytes
            ? ArrayPool<byte>.Shared.Rent(minimumLength)
            : GC.AllocateUninitializedArray<byte>(minimumLength);

    /// <summary>Takes back an array from <see cref="Rent"/>; the caller must not use it afterwards.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length <= PooledMaxBytes)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
