namespace OpsClaw.Bench;

/// <summary>A reusable <see cref="TextReader"/> over a slice of a char array, so a line needs no string of its own.</summary>
internal sealed class CharSpanReader : TextReader
{
    private char[] _chars = [];
    private int _length;
    private int _position;

    public void Reset(char[] chars, int length)
    {
        _chars = chars;
        _length = length;
        _position = 0;
    }

    public override int Peek() => _position < _length ? _chars[_position] : -1;

    public override int Read() => _position < _length ? _chars[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var count = Math.Min(buffer.Length, _length - _position);
        _chars.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
