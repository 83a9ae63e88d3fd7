using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.TestSupport;

/// <summary>
/// Makes every request to an in-memory Edison arrive from another address, as the connection's own: it is set before
/// any other middleware (the host's forwarded-headers handling included) sees the request.
/// </summary>
public sealed class RemoteClient(IPAddress address) : IStartupFilter
{
    public static readonly IPAddress Address = IPAddress.Parse("203.0.113.7");

    public static void Apply(IWebHostBuilder host) => Apply(host, Address);

    public static void Apply(IWebHostBuilder host, IPAddress address) =>
        host.ConfigureServices(services => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new RemoteClient(address))));

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress = address;
            return following(context);
        });
        next(app);
    };
}
