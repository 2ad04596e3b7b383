using System.Runtime.InteropServices;
using System.Text;

namespace OpsClaw.Host;

/// <summary>
/// Lines written to file descriptor 1 with write(2), each as soon as it is given. .NET's console
/// stream pretends a write to a closed pipe succeeded (it ignores EPIPE), so <c>opsclaw sub | head -n 3</c>
/// would go on taking, and acking, deliveries nobody reads; here that write fails, as
/// <see cref="ReaderGoneException"/>. (A FileStream over descriptor 1 would not do either: it writes at
/// offsets of its own, over what others append to the same file.)
/// </summary>
internal sealed class StdoutLines
{
    private const int StdoutFd = 1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EPIPE = 32;
    private const short PollOut = 0x4;

    private byte[] _buffer = new byte[4096];

    /// <summary>Writes <paramref name="line"/> and a newline, the whole of it before returning.</summary>
    /// <exception cref="ReaderGoneException">the reading end of the pipe has closed.</exception>
    /// <exception cref="IOException">any other failure to write.</exception>
    public void WriteLine(string line)
    {
        var length = Encoding.UTF8.GetByteCount(line) + 1;
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }

        Encoding.UTF8.GetBytes(line, _buffer);
        _buffer[length - 1] = (byte)'\n';
        for (var offset = 0; offset < length;)
        {
            var written = write(StdoutFd, ref _buffer[offset], length - offset);
            if (written >= 0)
            {
                offset += (int)written;
                continue;
            }

            switch (Marshal.GetLastPInvokeError())
            {
                case EINTR:
                    break;
                case EAGAIN:
                    // A descriptor left non-blocking by whoever started us: wait until it takes more.
                    var descriptor = new PollFd { Fd = StdoutFd, Events = PollOut };
                    _ = poll(ref descriptor, 1, -1);
                    break;
                case EPIPE:
                    throw new ReaderGoneException();
                case var errno:
                    throw new IOException($"cannot write to stdout: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref byte buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}

/// <summary>The reader of stdout has gone (EPIPE): <c>opsclaw sub | head -n 3</c> after its third line.</summary>
internal sealed class ReaderGoneException() : IOException("the reader of stdout has gone");
