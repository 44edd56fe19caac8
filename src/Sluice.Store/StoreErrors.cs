namespace Sluice.Store;

/// <summary>A unique key already holds this value (a job name, a request id, ...). The transaction was rolled back.</summary>
public sealed class DuplicateKeyException(string message, Exception inner) : Exception(message, inner);

/// <summary>A guarded write found the row changed underneath it (its revision moved). The transaction was rolled back.</summary>
public sealed class StoreConcurrencyException(string message) : Exception(message);
