using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Client;

/// <summary>
/// The host answered a request of the broker methods of <see cref="IpcClient"/> (publish, subscribe,
/// ack, nack, unsubscribe) with an error envelope. <see cref="ErrorCode"/> is one of the
/// <see cref="IpcErrors"/> codes, e.g. <see cref="IpcErrors.OverloadedCode"/> for a publish an
/// explicit-ack queue cannot take or <see cref="IpcErrors.UnknownDeliveryCode"/> for an ack that comes
/// too late. <see cref="IpcClient.SendAsync"/> does not throw it: it returns error replies as replies.
/// </summary>
public sealed class IpcRequestException : Exception
{
    /// <summary>Creates the exception for the error reply <paramref name="response"/> to a <paramref name="requestType"/> request.</summary>
    /// <param name="requestType">The request's <c>message_type</c>.</param>
    /// <param name="response">The error reply.</param>
    internal IpcRequestException(string requestType, IpcResponse response)
        : base($"{requestType} failed: {response.ErrorCode ?? "no error_code"}: {response.Error ?? "no error text"}")
    {
        RequestType = requestType;
        Response = response;
    }

    /// <summary>The <c>message_type</c> of the request that failed, e.g. <c>runtime.publish</c>.</summary>
    public string RequestType { get; }

    /// <summary>The error's code, e.g. <c>unknown_subscription</c>; null only from a host that sent none.</summary>
    public string? ErrorCode => Response.ErrorCode;

    /// <summary>The whole error reply, its human text in <see cref="IpcResponse.Error"/>.</summary>
    public IpcResponse Response { get; }
}
