namespace Sluice.Store;

/// <summary>Column sizes of the schema that requests are checked against before anything is written.</summary>
public static class StoreLimits
{
    public const int NameLength = 63;
    public const int ActorLength = 256;
    public const int ClientLength = 128;
    public const int HashLength = 80;
    public const int RequestIdLength = 128;
    public const int LabelKeyLength = 317;
    public const int UriLength = 512;
    public const int ReasonLength = 1024;
}
