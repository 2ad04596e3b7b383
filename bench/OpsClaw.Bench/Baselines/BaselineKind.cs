namespace OpsClaw.Bench;

/// <summary>The two servers the host is compared with, each run by this executable in a process of its own.</summary>
internal enum BaselineKind
{
    /// <summary>Parses every request and serializes every reply with Newtonsoft.Json, no actors: the best case for this protocol in .NET.</summary>
    RawJson,

    /// <summary>Writes a constant pong per request line without parsing: the floor of the socket stack.</summary>
    RawFixed,
}
