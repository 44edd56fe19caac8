using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sluice.Server;

/// <summary>Binds the two cleartext endpoints and reports the ports actually bound (port 0 picks a free one).</summary>
internal sealed class KestrelEndpoints
{
    private ListenOptions? api;
    private ListenOptions? http;

    public void Configure(KestrelServerOptions kestrel, SluiceServerOptions options)
    {
        api = Listen(kestrel, options.Listen, HttpProtocols.Http2);
        http = Listen(kestrel, options.ResolvedHttpListen, HttpProtocols.Http1);
    }

    public Uri ApiAddress => Address(api);

    public Uri HttpAddress => Address(http);

    private static ListenOptions Listen(KestrelServerOptions kestrel, Uri url, HttpProtocols protocols)
    {
        if (url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
        {
            throw new ArgumentException($"listen URL '{url}' must be http://HOST:PORT (TLS is terminated in front of Sluice)");
        }
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            bound = listen;
        }
        var address = url.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(url.Host.Trim('[', ']'), out var parsed) ? parsed
            : throw new ArgumentException($"listen URL '{url}' must name an IP address or localhost");
        kestrel.Listen(address, url.Port, Configure);
        return bound!;
    }

    private static Uri Address(ListenOptions? listen)
    {
        var endpoint = listen?.IPEndPoint ?? throw new InvalidOperationException("the server has not been started");
        var host = endpoint.Address.Equals(IPAddress.IPv6Loopback) ? "[::1]" : endpoint.Address.ToString();
        return new Uri($"http://{host}:{endpoint.Port}");
    }
}
