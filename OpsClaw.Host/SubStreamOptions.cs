using System.CommandLine;
using OpsClaw.Actors.Client;

namespace OpsClaw.Host;

/// <summary>
/// <c>opsclaw sub</c>'s options for reading a stream as a durable consumer (<c>--stream --durable --start</c>),
/// and the rules that tie them to the rest of <c>sub</c>: caught here, in words, before anything is sent.
/// </summary>
internal sealed class SubStreamOptions
{
    /// <summary>What the pattern is when --stream is given without one: every message of the stream.</summary>
    public const string AllSubjects = ">";

    public Option<string?> Stream { get; } = new("--stream")
    {
        Description = "Read this declared stream as a durable consumer (with --durable): its stored messages, from --start; the pattern then filters them [default pattern: >].",
    };

    public Option<string?> Durable { get; } = new("--durable")
    {
        Description = "The durable consumer's name (with --stream): the host keeps its acked position across restarts, and subs with the same name share its messages. Acks each delivery once printed.",
    };

    public Option<StreamStart?> Start { get; } = new("--start")
    {
        Description = "Where a new durable consumer starts: new (messages stored from now on), all, or a sequence number [default: new]. An existing one resumes where it was.",
        HelpName = "new|all|seq",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? null : result.Tokens[0].Value;
            if (StreamStart.TryParse(text, out var start))
            {
                return start;
            }

            result.AddError($"--start takes new, all or a sequence number from 1, not '{text}'");
            return null;
        },
    };

    /// <summary>Adds the options to <paramref name="command"/>, with the rules between them and sub's own pattern, --group and --ack.</summary>
    public void AddTo(Command command, Argument<string?> pattern, Option<string?> group, Option<string> ack)
    {
        Start.CompletionSources.Add("new", "all");
        command.Options.Add(Stream);
        command.Options.Add(Durable);
        command.Options.Add(Start);
        command.Validators.Add(result =>
        {
            var stream = result.GetValue(Stream) is not null;
            var durable = result.GetValue(Durable) is not null;
            if (result.GetValue(pattern) is null && !stream)
            {
                result.AddError("sub needs a topic pattern (or --stream, which reads every subject of the stream: >)");
            }

            if (stream != durable)
            {
                result.AddError(durable ? "--durable needs --stream: the stream the consumer reads" : "--stream needs --durable: the name the consumer's position is kept under");
            }

            if (result.GetResult(Start) is { Implicit: false } && !durable)
            {
                result.AddError("--start needs --durable: only a durable consumer starts anywhere but now");
            }

            if (durable && result.GetValue(group) is not null)
            {
                result.AddError("--group does not go with --durable: the subs of one durable share its messages already");
            }

            if (durable && result.GetResult(ack) is { Implicit: false } && result.GetValue(ack) != "explicit")
            {
                result.AddError("--durable acks every delivery it printed (explicit): leave out --ack none");
            }
        });
    }

    /// <summary>The pattern to subscribe to: the one given, else <see cref="AllSubjects"/> (the validator allows none only with --stream).</summary>
    public static string PatternOf(ParseResult parse, Argument<string?> pattern) => parse.GetValue(pattern) ?? AllSubjects;

    /// <summary><paramref name="options"/> with the stream, durable and start given.</summary>
    public SubscribeOptions Apply(ParseResult parse, SubscribeOptions options) => options with
    {
        Stream = parse.GetValue(Stream),
        Durable = parse.GetValue(Durable),
        Start = parse.GetValue(Start),
    };
}
