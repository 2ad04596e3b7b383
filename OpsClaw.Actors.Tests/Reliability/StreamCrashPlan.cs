namespace OpsClaw.Actors.Tests.Reliability;

/// <summary>
/// The shape of a crash spec: how many kill-and-restart rounds, how many publisher connections with
/// how many publishes in flight on each, at most how many publishes each sends per round, and the
/// window (from the moment the publishers start) in which the kill falls.
/// </summary>
public sealed record StreamCrashPlan(int Rounds, int Publishers, int Depth, int PerPublisher, int KillAfterMinMs, int KillAfterMaxMs);
