using System.Net.Sockets;
using System.Text;

namespace OpsClaw.Bench;

/// <summary>A server refused to open a publisher or subscriber, e.g. a host that does not serve the broker.</summary>
internal sealed class BrokerRefusedException(string message) : Exception(message);

/// <summary>
/// What publishers and subscribers share: the socket, the receive buffer, the opening handshake,
/// answering the server's pings, and counting error answers. Sends are serialized, since a
/// publisher sends from its publishing loop and answers pings from its receive loop.
/// </summary>
internal abstract class BrokerConnection(BrokerDialect dialect, Socket socket) : IFrameSink, IDisposable
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _pingsOwed;
    private long _replies;
    private volatile bool _closing;

    protected BrokerDialect Dialect { get; } = dialect;

    protected Socket Socket { get; } = socket;

    protected FrameBuffer Buffer { get; } = new();

    /// <summary>Error answers, frames that could not be read, and the connection failing before the run closed it.</summary>
    public long Errors { get; protected set; }

    /// <summary>The first error answer's text, for the progress line.</summary>
    public string? FirstError { get; private set; }

    /// <summary>Sends the handshake and reads until the server has answered it; throws <see cref="BrokerRefusedException"/> on an error answer.</summary>
    public async Task OpenAsync(Handshake handshake, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(OpenTimeout);
        if (handshake.Bytes.Length > 0)
        {
            await SendAsync(handshake.Bytes, timeout.Token).ConfigureAwait(false);
        }

        // Bounded by the open timeout.
        while (Interlocked.Read(ref _replies) < handshake.Replies && FirstError is null)
        {
            if (!await Buffer.ReceiveAsync(Socket, timeout.Token).ConfigureAwait(false))
            {
                throw new BrokerRefusedException($"{Dialect.Server} closed the connection while it was being opened");
            }

            Buffer.Parse(Dialect, this);
            await AnswerPingsAsync(timeout.Token).ConfigureAwait(false);
        }

        if (FirstError is not null)
        {
            throw new BrokerRefusedException(FirstError);
        }
    }

    /// <summary>From now on a failing socket is the run closing it, not an error.</summary>
    public void Close()
    {
        _closing = true;
        Socket.Dispose();
    }

    public void Dispose()
    {
        Close();
        _sending.Dispose();
    }

    public abstract void OnMessage(ReadOnlySpan<byte> frame, long delivery, long dropped, bool redelivered);

    public void OnReply(bool ok, long count, ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref _replies);
        if (!ok)
        {
            Errors++;
            FirstError ??= Encoding.UTF8.GetString(frame).Trim();
        }

        Answered(ok, count, frame);
    }

    public void OnPing() => _pingsOwed++;

    /// <summary>What this kind of connection does with an answer beyond counting it.</summary>
    protected virtual void Answered(bool ok, long count, ReadOnlySpan<byte> frame)
    {
    }

    protected async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        await _sending.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            await Wire.SendAllAsync(Socket, bytes, cancel).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    protected async ValueTask AnswerPingsAsync(CancellationToken cancel)
    {
        for (; _pingsOwed > 0; _pingsOwed--)
        {
            await SendAsync(Dialect.Pong.ToArray(), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a receive loop body until the server or the run closes the connection; failures before the run closes it count as errors.</summary>
    protected async Task ReceiveUntilClosedAsync(Func<CancellationToken, ValueTask<bool>> receiveOnce, CancellationToken cancel)
    {
        try
        {
            // Bounded by the run: it closes the socket once the scenario has drained, and cancels at its deadline.
            while (await receiveOnce(cancel).ConfigureAwait(false))
            {
            }

            if (!_closing)
            {
                Errors++;
                FirstError ??= $"{Dialect.Server} closed the connection";
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            if (!_closing || ex is InvalidDataException)
            {
                Errors++;
                FirstError ??= ex.Message;
            }
        }
    }
}
