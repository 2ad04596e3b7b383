using OpsClaw.Actors.Ipc;
using OpsClaw.Actors.Tests.Support;
using PublicApiGenerator;

namespace OpsClaw.Actors.Tests.Api;

/// <summary>
/// The public API of OpsClaw.Actors is deliberate and locked: it is written out in
/// OpsClaw.Actors.approved.txt beside this file, so any change to it (a type made public, a
/// parameter added) shows up in review as a change of that file.
/// </summary>
public sealed class PublicApiSpecs
{
    private static readonly string ApiDirectory = Path.Combine(Repository.Root, "OpsClaw.Actors.Tests", "Api");
    private static readonly string ApprovedPath = Path.Combine(ApiDirectory, "OpsClaw.Actors.approved.txt");
    private static readonly string ReceivedPath = Path.Combine(ApiDirectory, "OpsClaw.Actors.received.txt");

    [Fact]
    public void Public_api_should_match_the_approved_file()
    {
        var received = Normalize(typeof(OpsClawIpc).Assembly.GeneratePublicApi());
        var approved = File.Exists(ApprovedPath) ? Normalize(File.ReadAllText(ApprovedPath)) : "";

        if (received == approved)
        {
            File.Delete(ReceivedPath);
            return;
        }

        File.WriteAllText(ReceivedPath, received);
        Assert.Fail(
            "The public API of OpsClaw.Actors differs from the approved one (- approved, + now):\n"
            + LineDiff.Render(approved, received)
            + $"\nThe API now is in {ReceivedPath}. If the change is intended, approve it and commit the file:\n"
            + $"  mv {ReceivedPath} {ApprovedPath}");
    }

    /// <summary>One line ending and one final newline, whatever the platform or an editor did to the file.</summary>
    private static string Normalize(string api) => api.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}
