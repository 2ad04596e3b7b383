using System.Net.Sockets;

namespace OpsClaw.Actors.Sockets;

/// <summary>
/// Carries a socket accepted on a thread-pool thread to the listener actor. The socket waits here and
/// only a bare notice goes through the mailbox, so a socket accepted as the listener stops is disposed
/// by whoever comes second (the completion or the listener's unbind) and never sits in dead letters.
/// </summary>
internal sealed class AcceptHandoff
{
    private readonly Lock _gate = new();
    private Socket? _waiting;
    private bool _closed;

    /// <returns>false, with the client disposed, when the listener has already unbound.</returns>
    public bool TryPut(Socket client)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _waiting = client;
                return true;
            }
        }

        client.Dispose();
        return false;
    }

    public Socket? Take()
    {
        lock (_gate)
        {
            var client = _waiting;
            _waiting = null;
            return client;
        }
    }

    /// <summary>No more sockets are taken; one waiting is disposed.</summary>
    public void Close()
    {
        Socket? waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = _waiting;
            _waiting = null;
        }

        waiting?.Dispose();
    }
}
