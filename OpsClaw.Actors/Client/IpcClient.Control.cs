using Newtonsoft.Json;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>The control socket's reports that have a typed answer here.</summary>
public sealed partial class IpcClient
{
    /// <summary>
    /// Asks for every stream the host declares (<c>control.streams</c>), on a client connected to
    /// <c>control.sock</c>: each with its status, retained range and size, and its durable consumers.
    /// </summary>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>The report; its <see cref="StreamsReport.Streams"/> is empty when none is declared.</returns>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>unsupported_message_type</c> on another socket than <c>control.sock</c>, or from a
    /// host that has no streams.
    /// </exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the answer came, or the answer is not a report.</exception>
    public async Task<StreamsReport> StreamsAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(MessageTypes.ControlStreams, IpcResponse.EmptyPayload, null, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new IpcRequestException(MessageTypes.ControlStreams, response);
        }

        try
        {
            return JsonConvert.DeserializeObject<StreamsReport>(response.PayloadJson, IpcJson.Settings)
                ?? throw new JsonSerializationException("the payload is null");
        }
        catch (JsonException ex)
        {
            throw new IOException($"{SocketPath} answered control.streams with a payload that is not a streams report: {ex.Message}", ex);
        }
    }
}
