using Newtonsoft.Json;

namespace OpsClaw.Actors.Contracts;

/// <summary>The reply of <c>control.cluster</c>: this host's view of the cluster it is in (docs/cluster.md).</summary>
/// <param name="Enabled">Whether <c>opsclaw.cluster.enabled</c> is on; when off, the other fields are empty.</param>
/// <param name="Self">This node's address, such as <c>akka.tcp://opsclaw@10.0.0.1:4053</c>.</param>
/// <param name="Leader">The leader's address, or null while there is none.</param>
/// <param name="Members">Every member this node knows of, ordered by address.</param>
public sealed record ClusterReport(
    [property: JsonProperty("enabled", Required = Required.Always)] bool Enabled,
    [property: JsonProperty("self", Required = Required.AllowNull)] string? Self,
    [property: JsonProperty("leader", Required = Required.AllowNull)] string? Leader,
    [property: JsonProperty("members", Required = Required.Always)] IReadOnlyList<ClusterMemberInfo> Members);

/// <summary>One member of the cluster, as this node sees it.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Status">Its membership status: joining, weakly-up, up, leaving, exiting, down or removed.</param>
/// <param name="Reachable">Whether this node's failure detector reaches it.</param>
/// <param name="Roles">Its <c>opsclaw.cluster.roles</c>.</param>
/// <param name="Subscriptions">Its subscriptions (plain ones and group members) as the replicated registry shows them here.</param>
/// <param name="Groups">The queue groups it has members in, with how many.</param>
/// <param name="Streams">The durable streams it hosts, with their consumers (each stream lives on one node at a time).</param>
public sealed record ClusterMemberInfo(
    [property: JsonProperty("address", Required = Required.Always)] string Address,
    [property: JsonProperty("status", Required = Required.Always)] string Status,
    [property: JsonProperty("reachable", Required = Required.Always)] bool Reachable,
    [property: JsonProperty("roles", Required = Required.Always)] IReadOnlyList<string> Roles,
    [property: JsonProperty("subscriptions", Required = Required.Always)] int Subscriptions,
    [property: JsonProperty("groups", Required = Required.Always)] IReadOnlyList<ClusterGroupInfo> Groups,
    [property: JsonProperty("streams", Required = Required.Always)] IReadOnlyList<string> Streams);

/// <summary>A queue group's members on one node.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Pattern">Its pattern.</param>
/// <param name="Members">Its members on that node.</param>
public sealed record ClusterGroupInfo(
    [property: JsonProperty("name", Required = Required.Always)] string Name,
    [property: JsonProperty("pattern", Required = Required.Always)] string Pattern,
    [property: JsonProperty("members", Required = Required.Always)] int Members);
