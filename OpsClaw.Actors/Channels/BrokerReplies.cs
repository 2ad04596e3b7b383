using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The broker's reply payloads, written through the same serializer as every other payload.</summary>
internal static class BrokerReplies
{
    /// <summary>Publishes that match nothing are common; their reply is written once.</summary>
    private static readonly string MatchedNone = IpcJson.SerializePayload(new PublishAckPayload(0));

    private static readonly string MatchedOne = IpcJson.SerializePayload(new PublishAckPayload(1));

    public static string Matched(int matched) => matched switch
    {
        0 => MatchedNone,
        1 => MatchedOne,
        _ => IpcJson.SerializePayload(new PublishAckPayload(matched)),
    };

    /// <summary>A stored publish's reply; stream names need no escaping, so it is written without a serializer.</summary>
    public static string Stored(int matched, string stream, long seq) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"matched\":{matched},\"stream\":\"{stream}\",\"seq\":{seq}}}");

    public static string Subscribed(string subscription) => IpcJson.SerializePayload(new SubscribeAckPayload(subscription));
}
