namespace OpsClaw.Bench;

/// <summary>Where a load run is, read by every connection on every reply batch: only replies in <see cref="Measuring"/> count.</summary>
internal sealed class LoadPhase
{
    private const int WarmingUpState = 0;
    private const int MeasuringState = 1;
    private const int StoppingState = 2;

    private volatile int _state = WarmingUpState;

    public bool Measuring => _state == MeasuringState;

    public bool Stopping => _state == StoppingState;

    public void StartMeasuring() => _state = MeasuringState;

    public void Stop() => _state = StoppingState;
}
