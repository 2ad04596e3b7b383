using Newtonsoft.Json.Linq;

namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// Which publish a stream message is: its round, publisher and number. The body says it itself, so a
/// message read back after a crash can be matched to the publish that sent it without trusting the seq.
/// </summary>
public readonly record struct StreamPublishId(int Round, int Publisher, int Number)
{
    /// <summary>The publisher number of the one message the spec publishes after each restart, to know where the stream ends.</summary>
    public const int SentinelPublisher = -1;

    public bool IsSentinel => Publisher == SentinelPublisher;

    public string Topic => IsSentinel ? "orders.sentinel" : $"orders.p{Publisher}";

    public string Body => $"{{\"r\":{Round},\"p\":{Publisher},\"n\":{Number}}}";

    /// <summary>The id a delivered body names, or null when it is not a body this spec could have published.</summary>
    public static StreamPublishId? Parse(string body)
    {
        try
        {
            return JToken.Parse(body) is JObject { Count: 3 } fields
                && fields["r"] is JValue { Type: JTokenType.Integer } round
                && fields["p"] is JValue { Type: JTokenType.Integer } publisher
                && fields["n"] is JValue { Type: JTokenType.Integer } number
                ? new StreamPublishId((int)round, (int)publisher, (int)number)
                : null;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    public override string ToString() => IsSentinel ? $"sentinel of round {Round}" : $"round {Round} publisher {Publisher} #{Number}";
}
