namespace OpsClaw.Actors.Tests.Support;

/// <summary>The checkout the tests were built from, for specs that read its source and docs.</summary>
public static class Repository
{
    /// <summary>The directory holding OpsClaw.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpsClaw.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OpsClaw.sln not found above " + AppContext.BaseDirectory);
    }
}
