using System.CommandLine;
using System.Text;
using OpsClaw.Host.Schema;

namespace OpsClaw.Host;

/// <summary><c>opsclaw schema [--output &lt;file&gt;]</c>: the JSON Schema of the wire contract, on stdout or into a file.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--output") { Description = "Write the schema to this file instead of stdout." };
        var command = new Command("schema", "Print the JSON Schema of the opsclaw.ipc envelopes, error codes and payloads, generated from the C# contract types.")
        {
            output,
        };
        command.SetAction(parse => Run(parse.GetValue(output)));
        return command;
    }

    private static int Run(FileInfo? output)
    {
        var json = IpcContractSchema.ToJson();
        if (output is null)
        {
            Console.Out.Write(json);
            Console.Out.Flush();
            return ExitCodes.Ok;
        }

        try
        {
            File.WriteAllText(output.FullName, json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ExitCodes.Fail(ExitCodes.Failure, $"cannot write {output.FullName}: {ex.Message}");
        }
    }
}
