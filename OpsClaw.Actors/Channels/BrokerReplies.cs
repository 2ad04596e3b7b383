using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Channels;

/// <summary>The broker's reply payloads, written through the same serializer as every other payload.</summary>
internal static class BrokerReplies
{
    /// <summary>Replies for the small counts most publishes match are written once each, when first needed.</summary>
    private static readonly string?[] SmallMatched = new string?[256];

    public static string Matched(int matched) =>
        (uint)matched < (uint)SmallMatched.Length
            ? SmallMatched[matched] ??= IpcJson.SerializePayload(new PublishAckPayload(matched))
            : IpcJson.SerializePayload(new PublishAckPayload(matched));

    /// <summary>A stored publish's reply; stream names need no escaping, so it is written without a serializer.</summary>
    public static string Stored(int matched, string stream, long seq) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"matched\":{matched},\"stream\":\"{stream}\",\"seq\":{seq}}}");

    public static string Subscribed(string subscription) => IpcJson.SerializePayload(new SubscribeAckPayload(subscription));
}
