using System.Buffers;
using Newtonsoft.Json;

namespace OpsClaw.Actors.Protocol;

/// <summary>
/// Newtonsoft.Json's scratch char buffers from the shared pool. A JSON writer allocates one for every
/// string it escapes unless given a pool, and the encoder makes a writer per reply line.
/// </summary>
internal sealed class PooledChars : IArrayPool<char>
{
    public static readonly PooledChars Instance = new();

    private PooledChars()
    {
    }

    public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

    public void Return(char[]? array)
    {
        if (array is not null)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }
}
