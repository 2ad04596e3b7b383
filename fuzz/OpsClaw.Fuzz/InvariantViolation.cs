namespace OpsClaw.Fuzz;

/// <summary>
/// A broken codec promise. Its own type so a crash's stack trace tells a failed check from an
/// exception the codec threw by itself.
/// </summary>
internal sealed class InvariantViolation(string message) : Exception(message)
{
}
