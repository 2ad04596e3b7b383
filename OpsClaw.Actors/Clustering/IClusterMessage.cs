namespace OpsClaw.Actors.Clustering;

/// <summary>A message that crosses between nodes; <see cref="ClusterSerializer"/> writes every one of them.</summary>
internal interface IClusterMessage;
