// Benchmarks arrive with the metadata (issue 3) and SQL (issue 5) scenarios.
Console.Error.WriteLine("sluice-bench: no scenario is implemented yet");
return 2;
