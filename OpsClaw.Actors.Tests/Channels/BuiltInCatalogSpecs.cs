using Akka.TestKit.Xunit2;
using OpsClaw.Actors.Channels;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Ipc;

namespace OpsClaw.Actors.Tests.Channels;

/// <summary>
/// <see cref="PayloadCatalog.BuiltIn"/>, the list the JSON Schema and the SDK's types are made from,
/// names exactly the message types the built-in channels answer: each channel is asked with
/// <see cref="ChannelProtocol.Describe"/>, as <c>control.channels</c> asks it.
/// </summary>
public sealed class BuiltInCatalogSpecs : TestKit
{
    [Fact]
    public async Task Payload_catalog_should_list_exactly_the_message_types_the_built_in_channels_handle()
    {
        var handled = new List<string>();
        foreach (var definition in ChannelDefinition.BuiltIn())
        {
            var channel = Sys.ActorOf(definition.Props, definition.Name);
            channel.Tell(ChannelProtocol.Describe.Instance, TestActor);
            var description = await ExpectMsgAsync<ChannelProtocol.Description>();
            Assert.Equal(definition.Name, description.Channel);
            handled.AddRange(description.MessageTypes.Select(messageType => $"{description.Channel} {messageType}"));
        }

        var catalogued = PayloadCatalog.BuiltIn.Select(entry => $"{entry.Channel} {entry.RequestType}").ToList();

        var unhandled = catalogued.Except(handled, StringComparer.Ordinal).ToList();
        var uncatalogued = handled.Except(catalogued, StringComparer.Ordinal).ToList();

        Assert.True(
            unhandled.Count == 0 && uncatalogued.Count == 0,
            $"in PayloadCatalog.BuiltIn but handled by no built-in channel: [{string.Join(", ", unhandled)}]; "
            + $"handled by a built-in channel but not in PayloadCatalog.BuiltIn: [{string.Join(", ", uncatalogued)}]");
        Assert.Equal(catalogued.Count, catalogued.Distinct(StringComparer.Ordinal).Count());
    }
}
