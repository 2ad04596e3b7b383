using Newtonsoft.Json.Linq;
using OpsClaw.Actors.Contracts;
using OpsClaw.Actors.Protocol;
using OpsClaw.Actors.Tests.Support;

namespace OpsClaw.Actors.Tests.Host;

/// <summary><c>opsclaw schema</c>: the JSON Schema the SDK's TypeScript types are generated from.</summary>
public sealed class SchemaCommandSpecs : IDisposable
{
    private readonly TempSocketDir _dir = new();

    public SchemaCommandSpecs() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Schema_should_describe_both_envelopes_with_their_wire_field_names()
    {
        var schema = await SchemaAsync();

        var request = (JObject)schema["definitions"]!["IpcRequest"]!;
        Assert.Equal(["schema_version", "message_type", "run_id", "payload_json"], PropertyNames(request));
        Assert.Equal(["schema_version", "message_type", "payload_json"], request["required"]!.Values<string>());
        Assert.Equal(IpcSchema.Version, (string?)request["properties"]!["schema_version"]!["enum"]![0]);

        var response = (JObject)schema["definitions"]!["IpcResponse"]!;
        var fields = new[] { "schema_version", "message_type", "run_id", "payload_json", "ok", "error", "error_code" };
        Assert.Equal(fields, PropertyNames(response));
        Assert.Equal(fields, response["required"]!.Values<string>());
    }

    [Fact]
    public async Task Schema_should_list_every_error_code_and_every_catalog_entry_with_its_payloads()
    {
        var schema = await SchemaAsync();

        Assert.Equal(IpcErrors.AllCodes, schema["definitions"]!["IpcErrorCode"]!["enum"]!.Values<string>());
        var catalog = (JObject)schema["definitions"]!["MessageCatalog"]!["properties"]!;
        Assert.Equal(PayloadCatalog.BuiltIn.Select(entry => entry.RequestType), catalog.Properties().Select(p => p.Name));
        foreach (var entry in PayloadCatalog.BuiltIn)
        {
            var properties = catalog[entry.RequestType]!["properties"]!;
            Assert.Equal(entry.ReplyType, (string?)properties["reply_type"]!["enum"]![0]);
            Assert.Equal($"#/definitions/{entry.ReplyPayload.Name}", (string?)properties["reply_payload"]!["$ref"]);
            Assert.NotNull(schema["definitions"]![entry.ReplyPayload.Name]);
            var requestPayload = (JObject)properties["request_payload"]!;
            Assert.Equal(entry.RequestPayload is null ? null : $"#/definitions/{entry.RequestPayload.Name}", (string?)requestPayload["$ref"]);
        }
    }

    [Fact]
    public async Task Schema_should_list_every_pushed_message_type_with_its_payload_in_wire_order()
    {
        var schema = await SchemaAsync();

        Assert.Equal("#/definitions/PushCatalog", (string?)schema["properties"]!["pushes"]!["$ref"]);
        var pushes = (JObject)schema["definitions"]!["PushCatalog"]!;
        Assert.Equal(PayloadCatalog.Pushed.Keys.Order(StringComparer.Ordinal), PropertyNames(pushes));
        Assert.Equal(PayloadCatalog.Pushed.Keys.Order(StringComparer.Ordinal), pushes["required"]!.Values<string>());
        foreach (var (messageType, payload) in PayloadCatalog.Pushed)
        {
            Assert.Equal($"#/definitions/{payload.Name}", (string?)pushes["properties"]![messageType]!["properties"]!["payload"]!["$ref"]);
        }

        // The wire order of a delivery's payload; key and dropped only when there is one.
        var delivery = (JObject)schema["definitions"]!["DeliveryPayload"]!;
        Assert.Equal(["subscription", "topic", "delivery", "redelivered", "body", "key", "dropped", "stream", "seq"], PropertyNames(delivery));
        Assert.Equal(["subscription", "topic", "delivery", "redelivered", "body"], delivery["required"]!.Values<string>());

        // A pushed type is never a request nor a reply, so a pipelining client cannot take one for the other.
        var catalog = (JObject)schema["definitions"]!["MessageCatalog"]!["properties"]!;
        Assert.DoesNotContain(catalog.Properties(), entry =>
            PayloadCatalog.Pushed.ContainsKey(entry.Name) || PayloadCatalog.Pushed.ContainsKey((string)entry.Value["properties"]!["reply_type"]!["enum"]![0]!));
    }

    [Fact]
    public async Task Schema_should_be_the_same_bytes_on_stdout_and_in_the_output_file_run_after_run()
    {
        var first = await HostProcess.RunAsync(_dir.Path, "schema");
        var file = Path.Combine(_dir.Path, "schema.json");
        var written = await HostProcess.RunAsync(_dir.Path, "schema", "--output", file);

        Assert.Equal((0, 0), (first.ExitCode, written.ExitCode));
        Assert.Equal("", written.Stdout);
        // HostProcess joins stdout lines without the final newline; the file keeps it.
        Assert.Equal(first.Stdout + "\n", await File.ReadAllTextAsync(file));
        Assert.Equal(first.Stdout, (await HostProcess.RunAsync(_dir.Path, "schema")).Stdout);
    }

    private async Task<JObject> SchemaAsync()
    {
        var (exitCode, stdout, stderr) = await HostProcess.RunAsync(_dir.Path, "schema");
        Assert.True(exitCode == 0, stderr);
        return JObject.Parse(stdout);
    }

    private static IEnumerable<string> PropertyNames(JObject definition) =>
        ((JObject)definition["properties"]!).Properties().Select(p => p.Name);
}
