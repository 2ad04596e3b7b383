namespace OpsClaw.Actors.Tests.Support;

/// <summary>
/// A spec that runs a throwaway PostgreSQL server (<see cref="PostgresServer"/>). Where PostgreSQL is
/// not installed it is reported as skipped, with the reason; with <see cref="RequireVariable"/>=1 (CI
/// sets it after installing PostgreSQL) it never skips, so a missing server fails it loudly instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string RequireVariable = "OPSCLAW_REQUIRE_POSTGRES";

    public PostgresFactAttribute()
    {
        if (PostgresBinaries.Directory is null && !IsRequired)
        {
            Skip = $"needs PostgreSQL's initdb and pg_ctl (on PATH or in /usr/lib/postgresql/*/bin); set {RequireVariable}=1 to fail instead of skipping (CI does)";
        }
    }

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";
}
