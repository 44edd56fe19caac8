namespace Sluice.Deployment.Workflow;

/// <summary>A step failed in a way no retry can fix (a missing revision, a fabric outside the placement).</summary>
public sealed class PermanentStepException(string message) : Exception(message);
