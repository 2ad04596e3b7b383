namespace OpsClaw.Bench;

/// <summary>The rows of the streams table, by scenario.</summary>
internal static class StreamFigures
{
    public const string Publish = "durable publish, 16 × 32";
    public const string Read = "catch-up read";
    public const string Restart = "restart after kill -9";

    public static readonly Figure AckedPerSecond = new(Publish, "acked publishes/s", FigureKind.Rate, "N0");
    public static readonly Figure AckP50 = new(Publish, "p50 publish → ack µs", FigureKind.Cost, "N0");
    public static readonly Figure AckP99 = new(Publish, "p99 publish → ack µs", FigureKind.Cost, "N0");
    public static readonly Figure PublishServerCpu = new(Publish, "server CPU µs/msg", FigureKind.Cost, "N2");
    public static readonly Figure PublishDatabaseCpu = new(Publish, "postgres CPU µs/msg", FigureKind.Info, "N2");
    public static readonly Figure PublishTotalCpu = new(Publish, "server + postgres CPU µs/msg", FigureKind.Cost, "N2");
    public static readonly Figure PublishErrors = new(Publish, "errors (all reps)", FigureKind.Count, "N0");

    public static readonly Figure ReadPerSecond = new(Read, "msgs/s", FigureKind.Rate, "N0");
    public static readonly Figure ReadServerCpu = new(Read, "server CPU µs/msg", FigureKind.Cost, "N2");
    public static readonly Figure ReadDatabaseCpu = new(Read, "postgres CPU µs/msg", FigureKind.Info, "N2");
    public static readonly Figure ReadTotalCpu = new(Read, "server + postgres CPU µs/msg", FigureKind.Cost, "N2");
    public static readonly Figure ReadErrors = new(Read, "errors (all reps)", FigureKind.Count, "N0");

    public static readonly Figure Stored = new(Restart, "messages stored", FigureKind.Info, "N0");
    public static readonly Figure Ready = new(Restart, "ready s (first publish acked)", FigureKind.Cost, "N2");
    public static readonly Figure ReadyLine = new(Restart, "ready line printed s", FigureKind.Info, "N2");
    public static readonly Figure RecoveryCpu = new(Restart, "server CPU s until ready", FigureKind.Info, "N2");
    public static readonly Figure RestartRss = new(Restart, "server RSS when ready MiB", FigureKind.Info, "N0");
    public static readonly Figure RestartErrors = new(Restart, "errors", FigureKind.Count, "N0");

    public static readonly IReadOnlyList<Figure> All =
    [
        AckedPerSecond, AckP50, AckP99, PublishServerCpu, PublishDatabaseCpu, PublishTotalCpu, PublishErrors,
        ReadPerSecond, ReadServerCpu, ReadDatabaseCpu, ReadTotalCpu, ReadErrors,
        Stored, Ready, ReadyLine, RecoveryCpu, RestartRss, RestartErrors,
    ];

    public static void Record(Results results, string server, bool hasDatabase, PublishResult result)
    {
        results.Add(server, AckedPerSecond.Key, result.AckedPerSecond);
        results.Add(server, AckP50.Key, result.P50Us);
        results.Add(server, AckP99.Key, result.P99Us);
        results.Add(server, PublishServerCpu.Key, result.HostCpuUsPerMessage);
        if (hasDatabase)
        {
            results.Add(server, PublishDatabaseCpu.Key, result.StorageCpuUsPerMessage);
        }

        results.Add(server, PublishTotalCpu.Key, result.HostCpuUsPerMessage + result.StorageCpuUsPerMessage);
        results.Add(server, PublishErrors.Key, result.Errors);
    }

    public static void Record(Results results, string server, bool hasDatabase, ReadResult result)
    {
        results.Add(server, ReadPerSecond.Key, result.DeliveredPerSecond);
        results.Add(server, ReadServerCpu.Key, result.HostCpuUsPerMessage);
        if (hasDatabase)
        {
            results.Add(server, ReadDatabaseCpu.Key, result.StorageCpuUsPerMessage);
        }

        results.Add(server, ReadTotalCpu.Key, result.HostCpuUsPerMessage + result.StorageCpuUsPerMessage);
        results.Add(server, ReadErrors.Key, result.Errors);
    }

    public static void Record(Results results, string server, RestartResult result)
    {
        results.Add(server, Stored.Key, result.Stored);
        results.Add(server, Ready.Key, result.ReadySeconds);
        results.Add(server, ReadyLine.Key, result.ReadyLineSeconds);
        results.Add(server, RecoveryCpu.Key, result.RecoveryCpuSeconds);
        results.Add(server, RestartRss.Key, result.RssMiB);
        results.Add(server, RestartErrors.Key, result.Errors);
    }
}
