namespace Sluice.Migration.Legacy;

/// <summary>One key of a legacy config, its value, and where it was written (1-based; 0 when unknown).</summary>
public sealed record ConfigEntry(string Key, string Value, int Line, int Column = 1);
