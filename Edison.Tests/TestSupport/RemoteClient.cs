using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.TestSupport;

/// <summary>Makes every request to an in-memory Edison look as if it came from another machine.</summary>
public sealed class RemoteClient(IPAddress address) : IStartupFilter
{
    public static readonly IPAddress Address = IPAddress.Parse("203.0.113.7");

    public static void Apply(IWebHostBuilder host) =>
        host.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteClient(Address)));

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
