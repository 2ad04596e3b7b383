using System.Text;
using OpsClaw.Actors.Protocol;
using static OpsClaw.Actors.Tests.Protocol.CollectingLineSink;

namespace OpsClaw.Actors.Tests.Protocol;

/// <summary>docs/protocol.md §1: how a byte stream in arbitrary chunks becomes lines.</summary>
public sealed class LineFramerSpecs
{
    private const int Limit = 16;

    // Every framing rule in one stream: CRLF, blank lines of each kind, an oversize line whose
    // discard must survive a split anywhere, a line of exactly the limit, and an unterminated tail.
    private static readonly byte[] MixedStream = Bytes(
        "alpha\n" +
        "\r\n" +
        "beta\r\n" +
        " \t \n" +
        "\n" +
        new string('x', Limit + 5) + "\n" +
        new string('y', Limit) + "\n" +
        "gamma\r\n" +
        "tail");

    private static readonly string[] MixedStreamLines =
    [
        "alpha",
        "beta",
        FrameTooLarge,
        new string('y', Limit),
        "gamma",
        "tail",
    ];

    [Fact]
    public void Framer_should_cut_a_stream_pushed_at_once_into_its_lines()
    {
        var sink = Frame(Limit, MixedStream);

        Assert.Equal(MixedStreamLines, sink.Rendered);
    }

    [Fact]
    public void Framer_should_give_the_same_lines_whatever_byte_the_stream_is_split_at()
    {
        for (var split = 0; split <= MixedStream.Length; split++)
        {
            var sink = Frame(Limit, MixedStream[..split], MixedStream[split..]);

            Assert.True(
                MixedStreamLines.SequenceEqual(sink.Rendered),
                $"split at byte {split} gave [{string.Join(" | ", sink.Rendered)}]");
        }
    }

    [Fact]
    public void Framer_should_give_the_same_lines_when_fed_one_byte_at_a_time()
    {
        var chunks = MixedStream.Select(b => new[] { b }).ToArray();

        var sink = Frame(Limit, chunks);

        Assert.Equal(MixedStreamLines, sink.Rendered);
    }

    [Fact]
    public void Framer_should_give_the_same_lines_for_random_chunkings_of_the_stream()
    {
        var random = new Random(4242);

        for (var run = 0; run < 500; run++)
        {
            var chunks = new List<byte[]>();
            for (var at = 0; at < MixedStream.Length;)
            {
                var size = Math.Min(random.Next(1, 9), MixedStream.Length - at);
                chunks.Add(MixedStream[at..(at + size)]);
                at += size;
            }

            var sink = Frame(Limit, [.. chunks]);

            Assert.True(
                MixedStreamLines.SequenceEqual(sink.Rendered),
                $"chunk sizes [{string.Join(",", chunks.Select(c => c.Length))}] gave [{string.Join(" | ", sink.Rendered)}]");
        }
    }

    [Fact]
    public void Framer_should_emit_every_line_of_a_chunk_that_holds_several()
    {
        var sink = Frame(1024, Bytes("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"));

        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_join_a_line_spread_over_many_chunks()
    {
        var sink = Frame(1024, Bytes("{\"a\""), Bytes(":"), Bytes("1"), Bytes("}"), Bytes("\n"));

        Assert.Equal(["{\"a\":1}"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_strip_the_carriage_return_before_the_newline()
    {
        var sink = Frame(1024, Bytes("one\r\ntwo\n"));

        Assert.Equal(["one", "two"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_strip_only_one_carriage_return()
    {
        var sink = Frame(1024, Bytes("one\r\r\n"));

        Assert.Equal(["one\r"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_keep_a_carriage_return_inside_a_line()
    {
        var sink = Frame(1024, Bytes("a\rb\n\rc\n"));

        Assert.Equal(["a\rb", "\rc"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_strip_a_carriage_return_that_arrives_in_its_own_chunk()
    {
        var sink = Frame(1024, Bytes("one"), Bytes("\r"), Bytes("\n"));

        Assert.Equal(["one"], sink.Rendered);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("   \n")]
    [InlineData("\t\t\n")]
    [InlineData("\r\n")]
    [InlineData("\r\r\n")]
    [InlineData(" \t\r \t\r\n")]
    public void Framer_should_drop_blank_lines(string blank)
    {
        var sink = Frame(1024, Bytes("first\n" + blank + "second\n"));

        Assert.Equal(["first", "second"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_not_treat_other_whitespace_as_blank()
    {
        // Only space, tab and CR make a line blank (docs/protocol.md §1); a vertical tab or form feed is a line for the codec to reject.
        var sink = Frame(1024, Bytes("\v\n\f\n"));

        Assert.Equal(["\v", "\f"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_advance_the_chunk_just_past_each_line_it_hands_out()
    {
        using var framer = new LineFramer(1024);
        ReadOnlySpan<byte> chunk = Bytes("ab\n\ncd\r\nef");

        Assert.Equal(LineRead.Line, framer.TryReadLine(ref chunk, out var first));
        Assert.Equal("ab", Encoding.Latin1.GetString(first));
        Assert.Equal("\ncd\r\nef", Encoding.Latin1.GetString(chunk));

        // The blank line is skipped within the same call.
        Assert.Equal(LineRead.Line, framer.TryReadLine(ref chunk, out var second));
        Assert.Equal("cd", Encoding.Latin1.GetString(second));
        Assert.Equal("ef", Encoding.Latin1.GetString(chunk));

        Assert.Equal(LineRead.NeedMore, framer.TryReadLine(ref chunk, out _));
        Assert.True(chunk.IsEmpty);
        Assert.Equal(2, framer.BufferedBytes);
    }

    [Fact]
    public void Framer_should_keep_a_line_joined_from_chunks_valid_until_its_next_call_then_let_it_go()
    {
        using var framer = new LineFramer(1024);
        ReadOnlySpan<byte> start = Bytes("abc");
        Assert.Equal(LineRead.NeedMore, framer.TryReadLine(ref start, out _));
        Assert.Equal(3, framer.BufferedBytes);

        ReadOnlySpan<byte> rest = Bytes("def\ngh\n");
        Assert.Equal(LineRead.Line, framer.TryReadLine(ref rest, out var joined));
        Assert.Equal("abcdef", Encoding.Latin1.GetString(joined));
        Assert.Equal(0, framer.BufferedBytes);

        Assert.Equal(LineRead.Line, framer.TryReadLine(ref rest, out var next));
        Assert.Equal("gh", Encoding.Latin1.GetString(next));
        Assert.Equal(LineRead.NeedMore, framer.TryReadLine(ref rest, out _));
        Assert.Equal(0, framer.BufferedBytes);
    }

    [Fact]
    public void Framer_should_report_an_oversize_line_once_and_go_on_after_its_newline()
    {
        using var framer = new LineFramer(4);
        ReadOnlySpan<byte> chunk = Bytes("toolong\nok\n");

        Assert.Equal(LineRead.TooLarge, framer.TryReadLine(ref chunk, out _));
        Assert.Equal(LineRead.Line, framer.TryReadLine(ref chunk, out var line));
        Assert.Equal("ok", Encoding.Latin1.GetString(line));
        Assert.Equal(LineRead.NeedMore, framer.TryReadLine(ref chunk, out _));
    }

    [Fact]
    public void Framer_should_emit_a_final_line_without_newline_on_complete()
    {
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(1024);

        sink.Push(framer, Bytes("done\nlast"));
        Assert.Equal(["done"], sink.Rendered);

        sink.Complete(framer);
        Assert.Equal(["done", "last"], sink.Rendered);
        Assert.Equal(0, framer.BufferedBytes);
    }

    [Fact]
    public void Framer_should_strip_a_final_carriage_return_on_complete()
    {
        var sink = Frame(1024, Bytes("last\r"));

        Assert.Equal(["last"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_drop_a_blank_final_line_on_complete()
    {
        var sink = Frame(1024, Bytes("done\n \t\r"));

        Assert.Equal(["done"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_emit_nothing_on_complete_when_nothing_is_pending()
    {
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(1024);

        sink.Complete(framer);
        Assert.Empty(sink.Events);

        sink.Push(framer, Bytes("a\n"));
        sink.Complete(framer);
        Assert.Equal(["a"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_pass_a_line_of_exactly_the_limit()
    {
        var line = new string('a', Limit);

        Assert.Equal([line], Frame(Limit, Bytes(line + "\n")).Rendered);
        Assert.Equal([line], Frame(Limit, Bytes(line[..5]), Bytes(line[5..]), Bytes("\n")).Rendered);
        Assert.Equal([line], Frame(Limit, Bytes(line)).Rendered);
    }

    [Fact]
    public void Framer_should_count_a_trailing_carriage_return_toward_the_limit()
    {
        var fits = new string('a', Limit - 1);
        var full = new string('a', Limit);

        Assert.Equal([fits], Frame(Limit, Bytes(fits + "\r\n")).Rendered);
        Assert.Equal([FrameTooLarge], Frame(Limit, Bytes(full + "\r\n")).Rendered);
        Assert.Equal([FrameTooLarge], Frame(Limit, Bytes(full), Bytes("\r"), Bytes("\n")).Rendered);
    }

    [Fact]
    public void Framer_should_report_one_frame_too_large_for_a_line_one_byte_over()
    {
        var sink = Frame(Limit, Bytes(new string('a', Limit + 1) + "\n"));

        Assert.Equal([FrameTooLarge], sink.Rendered);
    }

    [Fact]
    public void Framer_should_report_one_frame_too_large_for_an_unterminated_line_over_the_limit()
    {
        var sink = Frame(Limit, Bytes(new string('a', Limit + 1)));

        Assert.Equal([FrameTooLarge], sink.Rendered);
    }

    [Fact]
    public void Framer_should_discard_the_rest_of_an_oversize_line_across_chunks_and_resume_at_the_next_line()
    {
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(Limit);

        sink.Push(framer, Bytes("ok1\n" + new string('a', 10)));
        sink.Push(framer, Bytes(new string('b', 10)));
        sink.Push(framer, Bytes(new string('c', 10)));
        sink.Push(framer, Bytes("{\"not\":\"a line\"}"));
        sink.Push(framer, Bytes("\r"));
        sink.Push(framer, Bytes("\nok2\n"));
        sink.Complete(framer);

        Assert.Equal(["ok1", FrameTooLarge, "ok2"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_resume_within_the_same_chunk_after_an_oversize_line()
    {
        var sink = Frame(Limit, Bytes(new string('a', 40) + "\nnext\n" + new string('b', 40) + "\nlast"));

        Assert.Equal([FrameTooLarge, "next", FrameTooLarge, "last"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_report_each_of_two_consecutive_oversize_lines()
    {
        var sink = Frame(Limit, Bytes(new string('a', 20)), Bytes("\n" + new string('b', 20)), Bytes("\n"));

        Assert.Equal([FrameTooLarge, FrameTooLarge], sink.Rendered);
    }

    [Fact]
    public void Framer_should_check_the_limit_before_blankness()
    {
        // frame_too_large is the first check of docs/protocol.md §4, so an oversize run of spaces is reported, not silently dropped.
        var sink = Frame(Limit, Bytes(new string(' ', Limit + 1) + "\n"));

        Assert.Equal([FrameTooLarge], sink.Rendered);
    }

    [Fact]
    public void Framer_should_never_buffer_more_than_the_limit_while_an_oversize_line_streams_in()
    {
        const int limit = 64;
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(limit);
        var chunk = Bytes("0123456");
        var maxSeen = 0;

        for (var i = 0; i < 1000; i++)
        {
            sink.Push(framer, chunk);
            maxSeen = Math.Max(maxSeen, framer.BufferedBytes);
            Assert.InRange(framer.BufferedBytes, 0, limit);
        }

        Assert.Equal(63, maxSeen);
        Assert.Equal(0, framer.BufferedBytes);
        Assert.Equal([FrameTooLarge], sink.Rendered);

        sink.Push(framer, Bytes("\nafter\n"));
        Assert.Equal([FrameTooLarge, "after"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_join_lines_longer_than_its_segments_exactly_for_random_chunkings()
    {
        // Lines around and past the 64 KiB segment size, with bytes that differ by position so a misplaced segment shows.
        var lines = new[] { 65_535, 65_536, 65_537, 200_000, 300_001 }
            .Select(length => Enumerable.Range(0, length).Select(i => (byte)('a' + (i * 7 + length) % 26)).ToArray())
            .ToArray();
        var stream = lines.SelectMany(line => line.Append((byte)'\n')).Concat(lines[^1]).ToArray();
        var random = new Random(20261202);

        for (var run = 0; run < 20; run++)
        {
            var sink = new CollectingLineSink();
            using var framer = new LineFramer(1024 * 1024);
            for (var at = 0; at < stream.Length;)
            {
                var size = Math.Min(random.Next(1, 70_000), stream.Length - at);
                sink.Push(framer, stream.AsSpan(at, size));
                at += size;
            }

            Assert.Equal(lines[^1].Length, framer.BufferedBytes);
            sink.Complete(framer);

            Assert.Equal(lines.Append(lines[^1]).Select(line => System.Text.Encoding.ASCII.GetString(line)), sink.Rendered);
            Assert.Equal(0, framer.BufferedBytes);
        }
    }

    [Fact]
    public void Framer_should_hold_no_bytes_between_complete_lines()
    {
        var sink = new CollectingLineSink();
        using var framer = new LineFramer(Limit);

        sink.Push(framer, Bytes("abc"));
        Assert.Equal(3, framer.BufferedBytes);

        sink.Push(framer, Bytes("def\n"));
        Assert.Equal(0, framer.BufferedBytes);
        Assert.Equal(["abcdef"], sink.Rendered);
    }

    [Fact]
    public void Framer_should_pass_nul_bytes_and_invalid_utf8_through_untouched()
    {
        byte[] hostile = [0x7B, 0x00, 0xC3, 0x28, 0xFF, 0xFE, 0x80, 0xED, 0xA0, 0x80, 0x00, 0x7D];
        byte[] stream = [.. hostile, (byte)'\n', .. hostile];

        var whole = Frame(1024, stream);
        var split = Frame(1024, stream[..3], stream[3..9], stream[9..16], stream[16..]);

        Assert.Equal(2, whole.Events.Count);
        Assert.Equal(hostile, whole.Events[0]);
        Assert.Equal(hostile, whole.Events[1]);
        Assert.Equal(whole.Rendered, split.Rendered);
    }

    [Fact]
    public void Framer_should_not_treat_a_nul_only_line_as_blank()
    {
        var sink = Frame(1024, [0x00, (byte)'\n']);

        Assert.Equal([new byte[] { 0x00 }], sink.Lines);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Framer_should_refuse_a_limit_below_one_byte(int limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineFramer(limit));
    }
}
