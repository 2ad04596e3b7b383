using OpsClaw.Actors.Protocol;

namespace OpsClaw.Actors.Broker;

/// <summary>A broker request read from its <c>payload_json</c>: the typed value, or the <c>invalid_payload</c> detail that answers it.</summary>
internal readonly record struct PayloadRead<T>
    where T : class
{
    private PayloadRead(T? value, string? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The request; null exactly when <see cref="Problem"/> is set.</summary>
    public T? Value { get; }

    /// <summary>What is wrong, naming the field, e.g. <c>field 'max_pending' must be a whole number from 1 to 65536, got 0</c>.</summary>
    public string? Problem { get; }

    public bool IsValid => Problem is null;

    public static PayloadRead<T> Valid(T value) => new(value, null);

    public static PayloadRead<T> Invalid(string problem) => new(null, problem);

    /// <summary>The <c>invalid_payload</c> reply for this problem.</summary>
    public IpcResponse Reject(string messageType, string? runId) =>
        IpcErrors.InvalidPayload(messageType, Problem ?? throw new InvalidOperationException("the payload was valid"), runId);
}
