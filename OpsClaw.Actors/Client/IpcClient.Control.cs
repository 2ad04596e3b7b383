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
    public Task<StreamsReport> StreamsAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ReportAsync<StreamsReport>(MessageTypes.ControlStreams, "a streams report", timeout, cancellationToken);

    /// <summary>
    /// Asks for the cluster as this host sees it (<c>control.cluster</c>), on a client connected to
    /// <c>control.sock</c>: this node's address, the leader's, and every member with its status,
    /// reachability, roles, subscriptions and queue groups (docs/cluster.md).
    /// </summary>
    /// <param name="timeout">How long to wait for the host's answer; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting; a cancelled write leaves the connection unusable.</param>
    /// <returns>
    /// The report; on a host whose <c>opsclaw.cluster.enabled</c> is off, <see cref="ClusterReport.Enabled"/> is false,
    /// <see cref="ClusterReport.Self"/> and <see cref="ClusterReport.Leader"/> are null and there are no members.
    /// </returns>
    /// <exception cref="IpcRequestException">
    /// the host refused it: <c>unsupported_message_type</c> on another socket than <c>control.sock</c>, or from a
    /// host older than clustering.
    /// </exception>
    /// <exception cref="TimeoutException">no answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">the connection closed before the answer came, or the answer is not a report.</exception>
    public Task<ClusterReport> ClusterAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ReportAsync<ClusterReport>(MessageTypes.ControlCluster, "a cluster report", timeout, cancellationToken);

    /// <summary>
    /// One report request: an error reply throws <see cref="IpcRequestException"/>, and a payload that is not a
    /// <typeparamref name="TReport"/> throws <see cref="IOException"/>, as the public methods promise.
    /// </summary>
    private async Task<TReport> ReportAsync<TReport>(string messageType, string reportName, TimeSpan? timeout, CancellationToken cancellationToken)
        where TReport : class
    {
        var response = await SendAsync(messageType, IpcResponse.EmptyPayload, null, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
        {
            throw new IpcRequestException(messageType, response);
        }

        try
        {
            return JsonConvert.DeserializeObject<TReport>(response.PayloadJson, IpcJson.Settings)
                ?? throw new JsonSerializationException("the payload is null");
        }
        catch (JsonException ex)
        {
            throw new IOException($"{SocketPath} answered {messageType} with a payload that is not {reportName}: {ex.Message}", ex);
        }
    }
}
